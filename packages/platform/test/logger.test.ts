import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushedAfter } from '../src/logger.ts';

describe('the buffered log destination', () => {
  afterEach(() => vi.useRealTimers());

  it('writes a line within the flush time of its arrival, and nothing while no line came', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'log-')), 'out.log');
    const dest = pino.destination({ dest: file, sync: false, minLength: 8192 });
    await new Promise((r) => dest.once('ready', r));
    const flush = vi.spyOn(dest, 'flush');
    flushedAfter(dest, 50);
    vi.useFakeTimers();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(flush).not.toHaveBeenCalled();
    pino(dest).info('one line');
    expect(readFileSync(file, 'utf8')).toBe('');
    await vi.advanceTimersByTimeAsync(60);
    expect(flush).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
    await expect.poll(() => readFileSync(file, 'utf8'), { timeout: 1000 }).toContain('"msg":"one line"');
    vi.useFakeTimers();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(flush).toHaveBeenCalledTimes(1);
    dest.flushSync();
    dest.end();
  });
});
