import { ApiError } from './errors.ts';

/**
 * At most `limit` of a rush's requests (a flash sale's orders, a coupon drop's claims) run at once;
 * the rest wait their turn in memory, first come first served. The burst then queues here instead
 * of timing out on the database pool, and everyone gets an answer (an order or OUT_OF_STOCK, a
 * coupon or COUPON_EXHAUSTED) rather than a 503. Beyond `maxWaiting`, the service is busy (503
 * SERVICE_BUSY, Retry-After) and says so in `busy`.
 */
/**
 * Runs `fn` when its turn comes. A request still waiting leaves the queue when `leave` rejects,
 * with that rejection as its answer (order's sold-out door answers queued buyers so).
 */
export type Admit = <T>(fn: () => Promise<T>, leave?: Promise<never>) => Promise<T>;

export function admission(
  limit: number,
  maxWaiting: number,
  busy = 'Too many requests at once; try again shortly',
) {
  let active = 0;
  const waiting: (() => void)[] = [];
  // A finishing request hands its slot over to the next in line.
  const handOver = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return async function admit<T>(fn: () => Promise<T>, leave?: Promise<never>): Promise<T> {
    if (active < limit) active++;
    else {
      if (waiting.length >= maxWaiting)
        throw new ApiError(503, 'SERVICE_BUSY', busy, {}, { 'retry-after': '1' });
      let turn!: () => void;
      const myTurn = new Promise<void>((resolve) => {
        turn = resolve;
        waiting.push(resolve);
      });
      if (!leave) await myTurn;
      else
        try {
          await Promise.race([myTurn, leave]);
        } catch (err) {
          const at = waiting.indexOf(turn);
          if (at >= 0) waiting.splice(at, 1);
          else handOver(); // the turn had come at the same moment: pass it on
          throw err;
        }
    }
    try {
      return await fn();
    } finally {
      handOver();
    }
  };
}
