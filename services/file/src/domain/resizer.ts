import { type Kysely, type Logger, type Worker, wakeableWorker } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import type { ObjectStore } from '../storage/objects.ts';
import { processNextImage, VARIANTS_CHANNEL } from './variants.ts';

/**
 * The resize worker (a Lambda step in the original design; here event-driven): woken by the NOTIFY that a completed
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
  const drain = async () => {
    let n = 0;
    while (await processNextImage(o.db, o.store, o.log)) n++;
    return n;
  };
  const listen = { databaseUrl: o.databaseUrl, channel: VARIANTS_CHANNEL, schema: o.schema };
  return { ...wakeableWorker('resize', { pollMs: o.pollMs, log: o.log, listen }, drain), drain };
}
