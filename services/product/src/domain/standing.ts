import { type EventPublisher, publishOptions, sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { touch } from './records.ts';
import { eventState } from './state.ts';

/**
 * Records a seller's suspension (판매 정지) or reinstatement, unless newer news is already held
 * (events may arrive out of order); answers whether this news changed the standing.
 */
async function record(trx: Transaction<Database>, sellerId: string, suspended: boolean, at: string) {
  const { rows } = await sql`
    insert into seller_standing as s (seller_id, suspended, changed_at) values (${sellerId}, ${suspended}, ${at}::timestamptz)
    on conflict (seller_id) do update set suspended = excluded.suspended, changed_at = excluded.changed_at
    where s.changed_at < excluded.changed_at
    returning suspended`.execute(trx);
  return rows.length > 0;
}

const announce = async (trx: Transaction<Database>, events: EventPublisher, id: string) => {
  const full = await touch(trx, id);
  await events.publish(
    trx,
    'product.updated',
    { ...eventState(full), changes: ['status'] },
    publishOptions('product', id),
  );
};

/** A suspended seller's products stop selling (and leave search); each remembers its status. */
export async function suspendSeller(
  trx: Transaction<Database>,
  events: EventPublisher,
  sellerId: string,
  at: string,
) {
  if (!(await record(trx, sellerId, true, at))) return;
  const { rows } = await sql<{ id: string }>`
    update products set status_before_suspension = status, status = 'SUSPENDED'
    where seller_id = ${sellerId} and status in ('PENDING_REVIEW', 'APPROVED', 'REJECTED')
    returning id`.execute(trx);
  for (const { id } of rows) await announce(trx, events, id);
}

/** A reinstated seller's products return to the status they had before the suspension. */
export async function reinstateSeller(
  trx: Transaction<Database>,
  events: EventPublisher,
  sellerId: string,
  at: string,
) {
  if (!(await record(trx, sellerId, false, at))) return;
  const { rows } = await sql<{ id: string }>`
    update products set status = coalesce(status_before_suspension, 'PENDING_REVIEW'), status_before_suspension = null
    where seller_id = ${sellerId} and status = 'SUSPENDED'
    returning id`.execute(trx);
  for (const { id } of rows) await announce(trx, events, id);
}

export async function isSuspended(trx: Transaction<Database>, sellerId: string): Promise<boolean> {
  const s = await trx
    .selectFrom('seller_standing')
    .select('suspended')
    .where('seller_id', '=', sellerId)
    .executeTakeFirst();
  return s?.suspended ?? false;
}
