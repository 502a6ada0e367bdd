import type { EventPublisher, Kysely } from '@mp/platform';
import { publishOptions } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { touch } from './records.ts';
import { eventState } from './state.ts';

/**
 * Announces changed popularity of products on sale (product.updated, change `popularity`), a
 * batch at a time: views change it too often to announce each one. Replicas share the work.
 */
export async function publishPopularity(
  db: Kysely<Database>,
  events: EventPublisher,
  batch = 200,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('products')
      .select('id')
      .where('status', '=', 'APPROVED')
      .whereRef('popularity', '<>', 'popularity_published')
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const { id } of due) {
      const full = await touch(trx, id, {});
      await trx
        .updateTable('products')
        .set({ popularity_published: full.product.popularity })
        .where('id', '=', id)
        .execute();
      await events.publish(
        trx,
        'product.updated',
        { ...eventState(full), changes: ['popularity'] },
        publishOptions('product', id),
      );
    }
    return due.length;
  });
}
