/** 지급 보류: an admin holds a seller, or one settlement, out of payouts until the hold is released. */
import { conflict, newId, notFound } from '@mp/platform';
import type { PayoutContext } from './payout-context.ts';

export async function placeHold(
  ctx: Pick<PayoutContext, 'db'>,
  target: { sellerId?: string | undefined; settlementId?: string | undefined },
  reason: string,
  adminId: string,
) {
  let sellerId = target.sellerId;
  if (target.settlementId) {
    const s = await ctx.db
      .selectFrom('settlements')
      .select('seller_id')
      .where('id', '=', target.settlementId)
      .executeTakeFirst();
    if (!s) throw notFound('SETTLEMENT_NOT_FOUND', 'No such settlement');
    if (sellerId && sellerId !== s.seller_id)
      throw conflict('HOLD_TARGET_MISMATCH', 'The settlement is not of that seller');
    sellerId = s.seller_id;
  }
  return ctx.db
    .insertInto('holds')
    .values({
      id: newId(),
      seller_id: sellerId as string,
      settlement_id: target.settlementId ?? null,
      reason,
      held_by: adminId,
      held_at: new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function releaseHold(ctx: Pick<PayoutContext, 'db' | 'wake'>, id: string, adminId: string) {
  const h = await ctx.db
    .updateTable('holds')
    .set({ released_at: new Date(), released_by: adminId })
    .where('id', '=', id)
    .where('released_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (h) {
    ctx.wake();
    return h;
  }
  const exists = await ctx.db.selectFrom('holds').select('id').where('id', '=', id).executeTakeFirst();
  if (!exists) throw notFound('HOLD_NOT_FOUND', 'No such hold');
  throw conflict('HOLD_ALREADY_RELEASED', 'This hold has been released already');
}
