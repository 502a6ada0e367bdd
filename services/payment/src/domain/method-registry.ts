import { createHash } from 'node:crypto';
import {
  badGateway,
  conflict,
  forbidden,
  lockKey,
  newId,
  notFound,
  type Transaction,
  unavailable,
  unprocessable,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { type PgBillingKey, PgError } from '../pg/port.ts';
import type { PaymentContext, SavedMethod } from './context.ts';

/** Everything a buyer saves with one card registration: the customerKey must be the caller's. */
export interface Registration {
  userId: string;
  authKey: string;
  customerKey: string;
}

const customerKeyField = [{ path: 'customerKey', message: 'not your customerKey', in: 'body' }];

/**
 * 카드 등록: the card registration window (Toss's requestBillingAuth) gave an authKey for the
 * buyer's customerKey; it is exchanged for a billing key (빌링키 발급) under an idempotency key
 * of the authKey, so a retried registration gets the same key back and saves it once. The first
 * card a buyer saves is the default.
 */
export async function registerMethod(
  ctx: PaymentContext,
  r: Registration,
): Promise<{ method: SavedMethod; created: boolean }> {
  if (!ctx.methods.isCustomerKeyOf(r.userId, r.customerKey))
    throw forbidden('CUSTOMER_KEY_NOT_YOURS', 'This customerKey is not yours', {
      errors: customerKeyField,
    });
  const idempotencyKey = `billing-auth-${createHash('sha256').update(r.authKey).digest('hex')}`;
  let billing: PgBillingKey;
  try {
    billing = await ctx.pg.issueBillingKey(
      { authKey: r.authKey, customerKey: r.customerKey },
      idempotencyKey,
    );
  } catch (err) {
    if (!(err instanceof PgError)) throw err;
    ctx.log.warn({ kind: err.kind, code: err.code }, 'the PG did not issue a billing key');
    if (err.kind === 'config')
      throw badGateway('PG_MISCONFIGURED', 'The payment gateway refused our credentials');
    if (err.kind === 'retryable' || err.kind === 'no_answer')
      throw unavailable('PG_UNAVAILABLE', `The PG could not register the card now (${err.code}); try again`);
    throw unprocessable('BILLING_AUTH_INVALID', 'The card registration is unknown, expired or used', {
      pgCode: err.code,
      errors: [{ path: 'authKey', message: err.message, in: 'body' }],
    });
  }
  if (billing.customerKey !== r.customerKey || !billing.card)
    throw badGateway('PG_ANSWER_INVALID', 'The PG answered a billing key for another customer');
  const card = billing.card;
  const digest = ctx.methods.digest(billing.billingKey);
  return ctx.db.transaction().execute(async (trx) => {
    const live = await lockMethodsOf(trx, r.userId);
    const inserted = await trx
      .insertInto('payment_methods')
      .values({
        id: newId(),
        user_id: r.userId,
        customer_key: r.customerKey,
        billing_key_sealed: ctx.methods.seal(billing.billingKey),
        billing_key_digest: digest,
        issuer_code: card.issuerCode,
        acquirer_code: card.acquirerCode ?? null,
        card_number: card.number,
        card_type: card.cardType ?? null,
        owner_type: card.ownerType ?? null,
        nickname: null,
        is_default: live.length === 0,
        authenticated_at: billing.authenticatedAt ? new Date(billing.authenticatedAt) : null,
        deleted_at: null,
        pg_removed_at: null,
      })
      .onConflict((oc) => oc.column('billing_key_digest').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { method: inserted, created: true };
    const existing = await trx
      .selectFrom('payment_methods')
      .selectAll()
      .where('billing_key_digest', '=', digest)
      .where('user_id', '=', r.userId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!existing)
      throw conflict(
        'BILLING_KEY_REMOVED',
        'This card registration was saved and removed; register the card again',
      );
    return { method: existing, created: false };
  });
}

/**
 * The buyer's live methods, after taking the buyer's lock: registrations, default changes and
 * removals of one buyer queue up (a buyer with no card yet has no row to lock, hence the
 * transaction-scoped advisory lock; the read after it sees what the previous holder committed).
 */
async function lockMethodsOf(trx: Transaction<Database>, userId: string) {
  await lockKey(trx, `payment_methods:${userId}`);
  return trx
    .selectFrom('payment_methods')
    .select(['id', 'is_default'])
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at', 'desc')
    .forUpdate()
    .execute();
}

export const listMethods = (ctx: PaymentContext, userId: string) =>
  ctx.db
    .selectFrom('payment_methods')
    .selectAll()
    .where('user_id', '=', userId)
    .where('deleted_at', 'is', null)
    .orderBy('is_default', 'desc')
    .orderBy('created_at', 'desc')
    .execute();

const methodNotFound = () => notFound('PAYMENT_METHOD_NOT_FOUND', 'No such saved payment method');

/** Renames a method (nickname, null clears it) or makes it the default (one default per buyer). */
export async function updateMethod(
  ctx: PaymentContext,
  userId: string,
  id: string,
  change: { nickname?: string | null | undefined; isDefault?: true | undefined },
): Promise<SavedMethod> {
  return ctx.db.transaction().execute(async (trx) => {
    const live = await lockMethodsOf(trx, userId);
    if (!live.some((m) => m.id === id)) throw methodNotFound();
    if (change.isDefault)
      await trx
        .updateTable('payment_methods')
        .set({ is_default: false, updated_at: new Date() })
        .where('user_id', '=', userId)
        .where('is_default', '=', true)
        .where('id', '!=', id)
        .execute();
    return trx
      .updateTable('payment_methods')
      .set({
        ...(change.nickname !== undefined ? { nickname: change.nickname } : {}),
        ...(change.isDefault ? { is_default: true } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/**
 * Removes a saved method: ours at once (the newest remaining card becomes the default), the billing
 * key at the PG right after (빌링키 삭제), retried by the job runner until the PG has it deleted.
 * A card paying an order right now is not removed (409).
 */
export async function removeMethod(ctx: PaymentContext, userId: string, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const live = await lockMethodsOf(trx, userId);
    const m = live.find((x) => x.id === id);
    if (!m) throw methodNotFound();
    const paying = await trx
      .selectFrom('payments')
      .select('id')
      .where('payment_method_id', '=', id)
      .where('status', '=', 'IN_PROGRESS')
      .executeTakeFirst();
    if (paying)
      throw conflict(
        'PAYMENT_METHOD_IN_USE',
        'This card is paying an order right now; try again in a moment',
      );
    await trx
      .updateTable('payment_methods')
      .set({ deleted_at: new Date(), is_default: false, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    const next = live.find((x) => x.id !== id);
    if (m.is_default && next)
      await trx.updateTable('payment_methods').set({ is_default: true }).where('id', '=', next.id).execute();
  });
  await removeAtPg(ctx).catch((err) => ctx.log.warn({ err }, 'billing keys not removed at the PG yet'));
}

/** Deletes removed methods' billing keys at the PG, then forgets them. Part of the job runner. */
export async function removeAtPg(ctx: PaymentContext, batch = 20): Promise<number> {
  const due = await ctx.db
    .selectFrom('payment_methods')
    .select(['id', 'billing_key_sealed'])
    .where('deleted_at', 'is not', null)
    .where('pg_removed_at', 'is', null)
    .orderBy('deleted_at')
    .limit(batch)
    .execute();
  let removed = 0;
  for (const m of due) {
    try {
      if (m.billing_key_sealed) await ctx.pg.removeBillingKey(ctx.methods.unseal(m.billing_key_sealed));
      await ctx.db
        .updateTable('payment_methods')
        .set({ billing_key_sealed: null, pg_removed_at: new Date() })
        .where('id', '=', m.id)
        .execute();
      removed++;
    } catch (err) {
      ctx.log.warn({ err, methodId: m.id }, 'the PG did not delete a billing key; will try again');
    }
  }
  return removed;
}
