import { ApiError } from '@mp/platform';

/**
 * At most `limit` placements run at once; the rest wait their turn, first come first served.
 * A flash sale's burst then queues here instead of timing out on the database pool, and every
 * buyer gets an answer (an order, or OUT_OF_STOCK) rather than a 503. Beyond `maxWaiting`, the
 * service is busy (503, Retry-After).
 */
export function admission(limit: number, maxWaiting: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function admit<T>(fn: () => Promise<T>): Promise<T> {
    if (active < limit) active++;
    else {
      if (waiting.length >= maxWaiting)
        throw new ApiError(
          503,
          'SERVICE_BUSY',
          'Too many orders at once; try again shortly',
          {},
          { 'retry-after': '1' },
        );
      // Woken by a finishing placement, which hands its slot over.
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
