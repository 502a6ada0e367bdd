import { ApiError } from './errors.ts';

/**
 * At most `limit` of a rush's requests (a flash sale's orders, a coupon drop's claims) run at once;
 * the rest wait their turn in memory, first come first served. The burst then queues here instead
 * of timing out on the database pool, and everyone gets an answer (an order or OUT_OF_STOCK, a
 * coupon or COUPON_EXHAUSTED) rather than a 503. Beyond `maxWaiting`, the service is busy (503
 * SERVICE_BUSY, Retry-After) and says so in `busy`.
 */
/** Runs `fn` when its turn comes. */
export type Admit = <T>(fn: () => Promise<T>) => Promise<T>;

export function admission(
  limit: number,
  maxWaiting: number,
  busy = 'Too many requests at once; try again shortly',
) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function admit<T>(fn: () => Promise<T>): Promise<T> {
    if (active < limit) active++;
    else {
      if (waiting.length >= maxWaiting)
        throw new ApiError(503, 'SERVICE_BUSY', busy, {}, { 'retry-after': '1' });
      // Woken by a finishing request, which hands its slot over.
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
