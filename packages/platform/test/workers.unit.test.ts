import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { wakeableWorker } from '../src/workers.ts';

const log = pino({ level: 'silent' });

/** A drain that waits until released, so a test can wake the worker while it runs. */
function gatedDrain() {
  const runs: (() => void)[] = [];
  const drain = () => new Promise<void>((resolve) => runs.push(resolve));
  return { drain, runs };
}

describe('wakeableWorker', () => {
  it('runs one drain at a time, and wakes during a drain make exactly one more after it', async () => {
    const { drain, runs } = gatedDrain();
    const worker = wakeableWorker('test', { pollMs: 60_000, log }, drain);
    worker.wake(); // stopped: nothing runs
    expect(runs).toHaveLength(0);
    await worker.start(); // a first drain at once
    expect(runs).toHaveLength(1);
    worker.wake();
    worker.wake();
    worker.wake();
    expect(runs).toHaveLength(1);
    runs[0]!();
    await new Promise((r) => setImmediate(r));
    expect(runs).toHaveLength(2);
    runs[1]!();
    await new Promise((r) => setImmediate(r));
    expect(runs).toHaveLength(2);
    const stopped = worker.stop();
    worker.wake();
    await stopped;
    expect(runs).toHaveLength(2);
  });

  it('keeps going after a drain fails, and stop waits for the drain in progress', async () => {
    let calls = 0;
    let finished = false;
    const worker = wakeableWorker('test', { pollMs: 60_000, log }, async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
      await new Promise((r) => setTimeout(r, 20));
      finished = true;
    });
    await worker.start();
    await new Promise((r) => setImmediate(r));
    worker.wake();
    await worker.stop();
    expect([calls, finished]).toEqual([2, true]);
  });

  it('with nextPollMs and no listener, polls every pollMs after each drain (the fallback)', async () => {
    vi.useFakeTimers();
    try {
      let drains = 0;
      const worker = wakeableWorker('test', { pollMs: 100, nextPollMs: () => 60_000, log }, async () => {
        drains++;
      });
      await worker.start();
      await vi.advanceTimersByTimeAsync(1_050);
      expect(drains).toBe(11);
      await worker.stop();
      await vi.advanceTimersByTimeAsync(1_000);
      expect(drains).toBe(11);
    } finally {
      vi.useRealTimers();
    }
  });
});
