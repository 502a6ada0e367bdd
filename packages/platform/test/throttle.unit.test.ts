import { describe, expect, it } from 'vitest';
import { assess, fail, type ThrottlePolicy } from '../src/throttle.ts';

const p: ThrottlePolicy = {
  windowMs: 60_000,
  slowAfter: 3,
  blockAfter: 5,
  delayMs: 500,
  maxDelayMs: 2000,
  lockoutMs: 120_000,
};

describe('throttle policy', () => {
  it('allows, then delays with doubling up to the cap, then blocks until the lockout ends', () => {
    let a = undefined as ReturnType<typeof fail> | undefined;
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      const v = assess(a, p, 1000);
      seen.push(v.action === 'delay' ? `delay ${v.ms}` : v.action);
      if (v.action !== 'block') a = fail(a, p, 1000);
    }
    expect(seen).toEqual(['allow', 'allow', 'allow', 'delay 500', 'delay 1000', 'block']);
    expect(assess(a, p, 1000)).toEqual({ action: 'block', retryAfterSeconds: 120 });
    expect(assess(a, p, 1000 + 120_000).action).toBe('allow');
    expect(assess({ failures: 20, windowStart: 0 }, { ...p, blockAfter: 99 }, 10)).toEqual({
      action: 'delay',
      ms: 2000,
    });
  });

  it('starts a new window once the old one is over', () => {
    const a = fail(fail(fail(undefined, p, 0), p, 0), p, 0);
    expect(assess(a, p, 30_000)).toEqual({ action: 'delay', ms: 500 });
    expect(assess(a, p, 60_000)).toEqual({ action: 'allow' });
    expect(fail(a, p, 60_000)).toEqual({ failures: 1, windowStart: 60_000 });
  });
});
