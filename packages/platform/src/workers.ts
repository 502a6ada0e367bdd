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

export interface NotifiedWorkerOptions {
  databaseUrl: string;
  /** The LISTEN channel; a NOTIFY on it whose payload is `schema` wakes this service's worker. */
  channel: string;
  schema: string;
  /** The safety net: a lost connection, a back-off that came due, a crashed replica's lease. */
  pollMs: number;
  log: Logger;
}

/**
 * Runs `drain` as soon as a transaction announces work (LISTEN `channel`: NOTIFY is delivered on
 * commit) and every `pollMs`; never two drains at once, and a wake during a drain runs one more
 * right after it. Replicas share rows by FOR UPDATE SKIP LOCKED in `drain`'s own SQL.
 */
export function notifiedWorker(
  name: string,
  o: NotifiedWorkerOptions,
  drain: () => Promise<unknown>,
): Worker & { wake(): void } {
  let listener: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let again = false;
  let stopped = true;

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
        }
      });
  };

  const listen = async () => {
    const client = new pg.Client({ connectionString: o.databaseUrl });
    client.on('notification', (m) => m.payload === o.schema && wake());
    client.on('error', (err) => {
      o.log.warn({ err, worker: name }, 'worker lost its listener; polling until it is back');
      listener = undefined;
      if (!stopped) setTimeout(() => listen().catch(() => {}), 2000).unref();
    });
    await client.connect();
    await client.query(`listen ${o.channel}`);
    listener = client;
  };

  return {
    name,
    wake,
    async start() {
      stopped = false;
      await listen();
      timer = setInterval(wake, o.pollMs);
      timer.unref();
      wake();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => {});
      await running;
    },
  };
}
