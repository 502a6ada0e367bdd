import type { Kysely, Logger, Worker } from '@mp/platform';
import pg from 'pg';
import type { Database } from '../db/schema.ts';
import type { ObjectStore } from '../storage/objects.ts';
import { processNextImage, VARIANTS_CHANNEL } from './files.ts';

/**
 * The resize worker (the seed's Lambda step, event-driven): woken by the NOTIFY that a completed
 * upload sends on commit, it makes the variants of every due image; a poll is the safety net for
 * a lost connection, a failed attempt's back-off and a crashed worker's lease.
 */
export function resizeWorker(o: {
  db: Kysely<Database>;
  store: ObjectStore;
  log: Logger;
  databaseUrl: string;
  schema: string;
  pollMs: number;
}): Worker & { drain(): Promise<number> } {
  let listener: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let again = false;
  let stopped = true;

  const drain = async () => {
    let n = 0;
    while (await processNextImage(o.db, o.store, o.log)) n++;
    return n;
  };
  const wake = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((err) => o.log.error({ err }, 'resize worker failed'))
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
      o.log.warn({ err }, 'resize worker lost its listener; polling until it is back');
      listener = undefined;
      if (!stopped) setTimeout(() => listen().catch(() => {}), 2000).unref();
    });
    await client.connect();
    await client.query(`listen ${VARIANTS_CHANNEL}`);
    listener = client;
  };

  return {
    name: 'resize',
    drain,
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
      await listener?.end().catch(() => {});
      listener = undefined;
      await running;
    },
  };
}
