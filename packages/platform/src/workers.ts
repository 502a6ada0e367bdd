import pg from 'pg';
import type { Logger } from './logger.ts';

/** A background job that starts with the service and stops before its pools close. */
export interface Worker {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `tick` every `everyMs`, never two at once. Ticks that must not run on two replicas at the
 * same time take row locks (FOR UPDATE SKIP LOCKED) or an advisory lock in their own SQL.
 */
export function intervalWorker(
  name: string,
  everyMs: number,
  log: Logger,
  tick: () => Promise<unknown>,
): Worker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const run = () => {
    if (running) return;
    running = tick()
      .catch((err) => log.error({ err, worker: name }, 'worker tick failed'))
      .finally(() => {
        running = undefined;
      });
  };
  return {
    name,
    async start() {
      timer = setInterval(run, everyMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

export interface WakeableWorkerOptions {
  /** The safety net: a lost connection, a back-off that came due, a crashed replica's lease. */
  pollMs: number;
  /**
   * While the listener is connected, the wait before the next poll, asked after every drain (a
   * drain that knows when its next work comes due can sleep until then). Without it, or while
   * the listener is down, the worker polls every `pollMs`.
   */
  nextPollMs?: () => number;
  log: Logger;
  /** LISTEN `channel`: a NOTIFY on it whose payload is `schema` wakes this service's worker. */
  listen?: { databaseUrl: string; channel: string; schema: string };
}

/**
 * Runs `drain` on `wake()`, on every `pollMs` (or when `nextPollMs` says), and (with `listen`) as
 * soon as a transaction announces work (NOTIFY is delivered on commit); never two drains at once,
 * and a wake during a drain runs one more right after it. Replicas share rows by FOR UPDATE SKIP LOCKED in `drain`.
 */
export function wakeableWorker(
  name: string,
  o: WakeableWorkerOptions,
  drain: () => Promise<unknown>,
): Worker & { wake(): void } {
  let listener: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let again = false;
  let stopped = true;

  /** With `nextPollMs`: the next poll, armed after each drain (and when the listener is lost). */
  const arm = () => {
    if (stopped || !o.nextPollMs) return;
    clearTimeout(timer);
    timer = setTimeout(wake, listener ? Math.max(0, o.nextPollMs()) : o.pollMs);
    timer.unref();
  };

  const wake = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((err) => o.log.error({ err, worker: name }, 'worker drain failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          wake();
        } else arm();
      });
  };

  const listen = async (l: NonNullable<WakeableWorkerOptions['listen']>) => {
    const client = new pg.Client({ connectionString: l.databaseUrl });
    client.on('notification', (m) => m.payload === l.schema && wake());
    client.on('error', (err) => {
      o.log.warn({ err, worker: name }, 'worker lost its listener; polling until it is back');
      listener = undefined;
      arm();
      if (!stopped) setTimeout(() => stopped || listen(l).catch(() => {}), 2000).unref();
    });
    await client.connect();
    await client.query(`listen ${l.channel}`);
    listener = client;
  };

  return {
    name,
    wake,
    async start() {
      stopped = false;
      if (o.listen) await listen(o.listen);
      if (!o.nextPollMs) {
        timer = setInterval(wake, o.pollMs);
        timer.unref();
      }
      wake();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(timer);
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => {});
      await running;
    },
  };
}
