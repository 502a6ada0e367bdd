import { type Dapr, StateConflictError } from './dapr.ts';
import { ApiError, unavailable } from './errors.ts';
import type { Logger } from './logger.ts';

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

export interface ThrottleKey {
  key: string;
  policy: ThrottlePolicy;
}

/** Tries of one conditional write before the attempt is refused as too many at once. */
const MAX_TRIES = 20;

const tooMany = (retryAfterSeconds: number) =>
  new ApiError(
    429,
    'TOO_MANY_ATTEMPTS',
    'Too many failed attempts; try again later',
    { retryAfterSeconds },
    { 'retry-after': String(retryAfterSeconds) },
  );

/**
 * Attempt counters in the `ratelimits` state store, shared by every replica (auth's sign-ins and
 * second factors, user's current-password checks). An attempt is counted
 * before the secret is checked, with a conditional write (the read's ETag, or first-write when the
 * key is new), so a parallel burst cannot pass the limit; a success gives its count back. When the
 * store cannot be read or written the attempt is refused (503), never let through unchecked.
 */
export class Throttle {
  private readonly dapr: Dapr;
  private readonly log: Logger;
  /** How a delay is waited out (tests record it instead of waiting). */
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms));

  constructor(dapr: Dapr, log: Logger) {
    this.dapr = dapr;
    this.log = log;
  }

  private unavailable(err: unknown, key: string): ApiError {
    this.log.error({ err, key }, 'throttle state unavailable; attempt refused');
    return unavailable('THROTTLE_UNAVAILABLE', 'The attempt cannot be counted right now; try again shortly');
  }

  /**
   * Changes one key's counter atomically: read, compute, write conditionally, and again from the
   * read when another write came first. `change` answering undefined writes nothing.
   */
  private async update(
    key: string,
    policy: ThrottlePolicy,
    change: (a: Attempts | undefined, now: number) => Attempts | undefined,
  ): Promise<{ before: Attempts | undefined; after: Attempts | undefined }> {
    let absentConflicts = 0;
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      let entry: { value: Attempts | undefined; etag: string | undefined };
      try {
        entry = await this.dapr.getState<Attempts>(RATELIMITS_STORE, key);
      } catch (err) {
        throw this.unavailable(err, key);
      }
      const now = Date.now();
      const next = change(entry.value, now);
      if (!next) return { before: entry.value, after: undefined };
      const ttlSeconds =
        Math.ceil(Math.max(policy.windowMs, next.lockedUntil ? next.lockedUntil - now : 0) / 1000) + 60;
      try {
        await this.dapr.saveState(RATELIMITS_STORE, key, next, {
          ttlSeconds,
          ...(entry.etag ? { etag: entry.etag } : { ifAbsent: true }),
        });
        return { before: entry.value, after: next };
      } catch (err) {
        if (!(err instanceof StateConflictError)) throw this.unavailable(err, key);
        // A key that reads as absent yet refuses a first write is an expired item the store has
        // not removed yet (DynamoDB's TTL runs late); it goes, and the next round creates it anew.
        if (!entry.etag && ++absentConflicts >= 2) {
          await this.dapr.deleteState(RATELIMITS_STORE, key).catch((e) => {
            throw this.unavailable(e, key);
          });
          absentConflicts = 0;
        }
        await new Promise((r) => setTimeout(r, Math.random() * 10 * (tries + 1)));
      }
    }
    this.log.warn({ key }, 'throttle counter contended; attempt refused');
    throw tooMany(1);
  }

  /**
   * Counts an attempt on every key before its secret is checked: refuses (429 with Retry-After)
   * a locked key, and waits as long as the worst of the keys demands. A failed check needs nothing
   * more; a successful one calls `succeeded`.
   */
  async attempt(keys: ThrottleKey[]): Promise<void> {
    let delay = 0;
    for (const { key, policy } of keys) {
      let verdict: Verdict = { action: 'allow' };
      await this.update(key, policy, (a, now) => {
        verdict = assess(a, policy, now);
        return verdict.action === 'block' ? undefined : fail(a, policy, now);
      });
      const v = verdict as Verdict; // set by the change above
      if (v.action === 'block') throw tooMany(v.retryAfterSeconds);
      if (v.action === 'delay') delay = Math.max(delay, v.ms);
    }
    if (delay > 0) await this.sleep(delay);
  }

  /** A check that passed (or never ran) gives back the count its attempt took. Best effort: logged. */
  async refund(keys: ThrottleKey[]): Promise<void> {
    for (const { key, policy } of keys) {
      await this.update(key, policy, (a, now) => {
        if (!a || a.failures <= 0 || now - a.windowStart >= policy.windowMs) return undefined;
        const failures = a.failures - 1;
        const locked = a.lockedUntil !== undefined && failures >= policy.blockAfter;
        return { failures, windowStart: a.windowStart, ...(locked ? { lockedUntil: a.lockedUntil } : {}) };
      }).catch((err) => this.log.warn({ err, key }, 'throttle count not given back'));
    }
  }

  /**
   * Runs a check of a secret under the throttle: counted before `check` runs, given back when it
   * passes or fails for another reason than `failed` says (an unreachable dependency is no guess).
   */
  async guard<T>(
    keys: ThrottleKey[],
    check: () => Promise<T>,
    failed: (err: unknown) => boolean,
  ): Promise<T> {
    await this.attempt(keys);
    let result: T;
    try {
      result = await check();
    } catch (err) {
      if (!failed(err)) await this.refund(keys);
      throw err;
    }
    await this.refund(keys);
    return result;
  }

  /** Counts an attempt that is not a failure (reset requests) and says whether it is within the limit. */
  async countAndCheck(key: string, limit: number, windowMs: number): Promise<boolean> {
    const policy = {
      windowMs,
      slowAfter: limit,
      blockAfter: Number.MAX_SAFE_INTEGER,
      delayMs: 0,
      maxDelayMs: 0,
      lockoutMs: 0,
    };
    const { after } = await this.update(key, policy, (a, now) => fail(a, policy, now));
    return (after?.failures ?? 0) <= limit;
  }

  async clear(key: string): Promise<void> {
    await this.dapr
      .deleteState(RATELIMITS_STORE, key)
      .catch((err) => this.log.warn({ err, key }, 'throttle not cleared'));
  }
}
