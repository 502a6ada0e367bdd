import { ApiError, type Dapr, type Logger, StateConflictError } from '@mp/platform';

/** Failed attempts of one key (an account or a client address) in the current window. */
export interface Attempts {
  failures: number;
  windowStart: number;
  lockedUntil?: number;
}

export interface ThrottlePolicy {
  windowMs: number;
  slowAfter: number;
  blockAfter: number;
  delayMs: number;
  maxDelayMs: number;
  lockoutMs: number;
}

export type Verdict =
  | { action: 'allow' }
  | { action: 'delay'; ms: number }
  | { action: 'block'; retryAfterSeconds: number };

/** What to do with the next attempt of a key: let it through, slow it down, or refuse it for a while. */
export function assess(a: Attempts | undefined, p: ThrottlePolicy, now: number): Verdict {
  if (!a) return { action: 'allow' };
  if (a.lockedUntil && a.lockedUntil > now)
    return { action: 'block', retryAfterSeconds: Math.ceil((a.lockedUntil - now) / 1000) };
  if (now - a.windowStart >= p.windowMs) return { action: 'allow' };
  if (a.failures >= p.slowAfter)
    return { action: 'delay', ms: Math.min(p.maxDelayMs, p.delayMs * 2 ** (a.failures - p.slowAfter)) };
  return { action: 'allow' };
}

/** One more failure: counts in the window, and locks the key once it reaches `blockAfter`. */
export function fail(a: Attempts | undefined, p: ThrottlePolicy, now: number): Attempts {
  const fresh =
    !a || now - a.windowStart >= p.windowMs || (a.lockedUntil !== undefined && a.lockedUntil <= now);
  const failures = (fresh ? 0 : a!.failures) + 1;
  return {
    failures,
    windowStart: fresh ? now : a!.windowStart,
    ...(failures >= p.blockAfter ? { lockedUntil: now + p.lockoutMs } : {}),
  };
}

export const RATELIMITS_STORE = 'ratelimits';

/** Attempt counters in the `ratelimits` state store, shared by every replica. */
export class Throttle {
  private readonly dapr: Dapr;
  private readonly log: Logger;
  /** How a delay is waited out (tests record it instead of waiting). */
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms));

  constructor(dapr: Dapr, log: Logger) {
    this.dapr = dapr;
    this.log = log;
  }

  private async read(key: string) {
    try {
      return await this.dapr.getState<Attempts>(RATELIMITS_STORE, key);
    } catch (err) {
      // A throttle that cannot be read must not lock everyone out; it is logged loudly.
      this.log.error({ err, key }, 'throttle state unavailable');
      return { value: undefined, etag: undefined };
    }
  }

  /** Waits or refuses (429 with Retry-After) as the worst of the keys demands. */
  async check(keys: { key: string; policy: ThrottlePolicy }[]): Promise<void> {
    const now = Date.now();
    let delay = 0;
    for (const { key, policy } of keys) {
      const v = assess((await this.read(key)).value, policy, now);
      if (v.action === 'block')
        throw new ApiError(
          429,
          'TOO_MANY_ATTEMPTS',
          'Too many failed attempts; try again later',
          { retryAfterSeconds: v.retryAfterSeconds },
          { 'retry-after': String(v.retryAfterSeconds) },
        );
      if (v.action === 'delay') delay = Math.max(delay, v.ms);
    }
    if (delay > 0) await this.sleep(delay);
  }

  /** Counts a failure on each key (retrying lost concurrent writes, so none is lost). */
  async failure(keys: { key: string; policy: ThrottlePolicy }[]): Promise<void> {
    for (const { key, policy } of keys) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const { value, etag } = await this.read(key);
        const next = fail(value, policy, Date.now());
        const ttlSeconds =
          Math.ceil(Math.max(policy.windowMs, next.lockedUntil ? policy.lockoutMs : 0) / 1000) + 60;
        try {
          await this.dapr.saveState(RATELIMITS_STORE, key, next, { ttlSeconds, ...(etag ? { etag } : {}) });
          break;
        } catch (err) {
          if (err instanceof StateConflictError) continue;
          this.log.error({ err, key }, 'throttle failure not recorded');
          break;
        }
      }
    }
  }

  /** Counts an attempt that is not a failure (reset requests) and says whether it is over the limit. */
  async countAndCheck(key: string, limit: number, windowMs: number): Promise<boolean> {
    const policy = {
      windowMs,
      slowAfter: limit,
      blockAfter: Number.MAX_SAFE_INTEGER,
      delayMs: 0,
      maxDelayMs: 0,
      lockoutMs: 0,
    };
    const before = (await this.read(key)).value;
    const within = !before || Date.now() - before.windowStart >= windowMs || before.failures < limit;
    await this.failure([{ key, policy }]);
    return within;
  }

  async clear(key: string): Promise<void> {
    await this.dapr
      .deleteState(RATELIMITS_STORE, key)
      .catch((err) => this.log.warn({ err, key }, 'throttle not cleared'));
  }
}
