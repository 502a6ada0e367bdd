import { type Kysely, notFound, type Principal } from '@mp/platform';
import type { Database } from '../db/schema.ts';

/** A settlement the caller may see: an admin any, a seller its own; anything else is a 404. */
export async function visibleSettlement(db: Kysely<Database>, id: string, who: Principal) {
  let q = db.selectFrom('settlements').selectAll().where('id', '=', id);
  if (who.role !== 'admin') q = q.where('seller_id', '=', who.userId);
  const s = await q.executeTakeFirst();
  if (!s) throw notFound('SETTLEMENT_NOT_FOUND', 'No such settlement');
  return s;
}
