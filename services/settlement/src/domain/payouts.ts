/**
 * 지급: a payout batch per settlement period transfers each seller's settled net amount to its
 * verified account through the bank, and a settlement becomes PAID only when the bank says the
 * money arrived. A settlement is paid at most once: one payout row per settlement (a unique
 * constraint), claimed by a batch under the settlement's row lock, so a batch run twice, two at
 * once, or a hand-marked payout beside it, pay once. Held sellers and settlements are left out.
 *
 * A payout is PENDING (to send), PROCESSING (sent; the bank's answer is not final or was lost),
 * then PAID or FAILED. Its state is committed as PROCESSING before the transfer leaves, so a crash
 * mid-call leaves a transfer that is asked about (이체결과조회) by its bank_tran_id rather than sent
 * anew; only one the bank never received is sent again, with the same id. A FAILED one keeps its
 * reason until an admin retries it: a new attempt with a new bank_tran_id.
 */
import {
  conflict,
  currentConfig,
  newId,
  notFound,
  publishOptions,
  type Selectable,
  sql,
  type Transaction,
} from '@mp/platform';
import { newBankTranId, type TransferOutcome } from '../bank/openbanking.ts';
import type { Database, PayoutsTable } from '../db/schema.ts';
import type { PayoutContext } from './payout-context.ts';
import type { Period } from './periods.ts';

type Trx = Transaction<Database>;
type Payout = Selectable<PayoutsTable>;

/** No active hold on the row's seller, nor on its settlement. */
export const notHeld = (seller: string, settlement: string) => sql<boolean>`not exists (
  select 1 from holds h where h.released_at is null and h.seller_id = ${sql.ref(seller)}
    and (h.settlement_id is null or h.settlement_id = ${sql.ref(settlement)}))`;

/**
 * Starts (or continues) the batch of a period: every issued settlement of the period with a
 * positive net, not carried over, not held and not yet in a payout, gets one. Idempotent.
 */
export async function startBatch(ctx: PayoutContext, period: Period, requestedBy: string | null) {
  const batchId = await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('payout_batches')
      .values({
        id: newId(),
        period_from: period.from,
        period_to: period.to,
        period_start: period.start,
        period_end: period.end,
        requested_by: requestedBy,
        created_at: new Date(),
      })
      .onConflict((oc) => oc.constraint('payout_batches_once').doNothing())
      .execute();
    const batch = await trx
      .selectFrom('payout_batches')
      .select('id')
      .where('period_start', '=', period.start)
      .where('period_end', '=', period.end)
      .executeTakeFirstOrThrow();
    const due = await trx
      .selectFrom('settlements as s')
      .select(['s.id', 's.seller_id', 's.net_amount'])
      .where('s.status', '=', 'COMPLETED')
      .where('s.net_amount', '>', 0)
      .where('s.carried_into', 'is', null)
      .where('s.period_start', '>=', period.start)
      .where('s.period_end', '<=', period.end)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('payouts as p').select('p.id').whereRef('p.settlement_id', '=', 's.id'))),
      )
      .where(notHeld('s.seller_id', 's.id'))
      .orderBy('s.seller_id')
      .forUpdate()
      .execute();
    if (due.length > 0)
      await trx
        .insertInto('payouts')
        .values(
          due.map((s) => ({
            id: newId(),
            batch_id: batch.id,
            settlement_id: s.id,
            seller_id: s.seller_id,
            amount: s.net_amount,
            status: 'PENDING' as const,
            transfer_ref: newBankTranId(ctx.orgCode),
            updated_at: new Date(),
          })),
        )
        .onConflict((oc) => oc.constraint('payouts_once').doNothing())
        .execute();
    return batch.id;
  });
  ctx.wake();
  return batchId;
}

/** An admin sends a failed payout again (a new attempt, a new bank_tran_id), with the seller's current account. */
export async function retryPayout(ctx: PayoutContext, id: string) {
  const retried = await ctx.db.transaction().execute(async (trx) => {
    const p = await trx.selectFrom('payouts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!p) throw notFound('PAYOUT_NOT_FOUND', 'No such payout');
    if (p.status !== 'FAILED')
      throw conflict('PAYOUT_NOT_FAILED', `Only a failed payout is retried; this one is ${p.status}`);
    const held = await trx
      .selectFrom('holds')
      .select('id')
      .where('released_at', 'is', null)
      .where('seller_id', '=', p.seller_id)
      .where((eb) => eb.or([eb('settlement_id', 'is', null), eb('settlement_id', '=', p.settlement_id)]))
      .executeTakeFirst();
    if (held) throw conflict('PAYOUT_HELD', 'The seller or the settlement is on hold: release it first');
    return trx
      .updateTable('payouts')
      .set({
        status: 'PENDING',
        attempt: sql`attempt + 1`,
        transfer_ref: newBankTranId(ctx.orgCode),
        failure_code: null,
        failure_reason: null,
        sent_at: null,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  ctx.wake();
  return retried;
}

/**
 * Sends pending payouts and asks about unsettled transfers, each payout at most once per call
 * (replicas share them by SKIP LOCKED); returns how many it touched.
 */
export async function drainPayouts(ctx: PayoutContext): Promise<number> {
  const bank = ctx.bank;
  if (!bank) return 0;
  const started = new Date();
  let n = 0;
  for (;;) {
    const claimed = await claim(ctx, started);
    if (!claimed) return n;
    n++;
    const { payout: p, account } = claimed;
    let outcome: TransferOutcome;
    if (claimed.ask) {
      try {
        outcome = await bank.transferResult({
          bankTranId: p.transfer_ref,
          sentAt: p.sent_at ?? p.updated_at,
          amount: p.amount,
        });
      } catch (err) {
        ctx.log.warn({ err, payoutId: p.id }, 'the transfer result could not be asked; asking later');
        continue;
      }
    } else outcome = { status: 'NOT_FOUND' };
    if (outcome.status === 'NOT_FOUND') {
      if (!account) {
        outcome = { status: 'FAILED', code: 'NO_BANK_ACCOUNT', reason: '정산 계좌가 등록되지 않았습니다' };
      } else {
        outcome = await bank.deposit({
          bankTranId: p.transfer_ref,
          bankCode: account.bank_code,
          accountNumber: ctx.unseal(account.account_sealed),
          holderName: account.holder_name,
          amount: p.amount,
          memo: `${ctx.clientName} 정산`,
          clientName: ctx.clientName,
        });
      }
    }
    await record(ctx, p, outcome);
  }
}

/** Takes one payout to work on, committing PROCESSING (and the account it goes to) before the call. */
async function claim(ctx: PayoutContext, started: Date) {
  return ctx.db.transaction().execute(async (trx) => {
    const recheckBefore = new Date(Date.now() - ctx.recheckAfterMs);
    const p = await trx
      .selectFrom('payouts')
      .selectAll()
      .where('updated_at', '<', started)
      // A hold keeps a payout from being sent; one already sent is still followed to its end.
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'PENDING'), notHeld('payouts.seller_id', 'payouts.settlement_id')]),
          eb.and([eb('status', '=', 'PROCESSING'), eb('updated_at', '<=', recheckBefore)]),
        ]),
      )
      .orderBy('updated_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!p) return undefined;
    const account = await trx
      .selectFrom('bank_accounts')
      .selectAll()
      .where('seller_id', '=', p.seller_id)
      .executeTakeFirst();
    const now = new Date();
    await trx
      .updateTable('payouts')
      .set({
        status: 'PROCESSING',
        sent_at: p.sent_at ?? now,
        bank_code: account?.bank_code ?? p.bank_code,
        account_masked: account?.account_masked ?? p.account_masked,
        updated_at: now,
      })
      .where('id', '=', p.id)
      .execute();
    return { payout: { ...p, sent_at: p.sent_at ?? now }, account, ask: p.status === 'PROCESSING' };
  });
}

/** Applies the bank's answer to the attempt it was about; a later attempt or a final state is left alone. */
async function record(ctx: PayoutContext, p: Payout, outcome: TransferOutcome): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const now = new Date();
    const cur = await trx
      .updateTable('payouts')
      .set(
        outcome.status === 'PAID'
          ? { status: 'PAID', paid_at: now, updated_at: now }
          : outcome.status === 'FAILED'
            ? {
                status: 'FAILED',
                failure_code: outcome.code,
                failure_reason: outcome.reason,
                updated_at: now,
              }
            : { updated_at: now },
      )
      .where('id', '=', p.id)
      .where('transfer_ref', '=', p.transfer_ref)
      .where('status', '=', 'PROCESSING')
      .returningAll()
      .executeTakeFirst();
    if (!cur) return;
    if (outcome.status === 'PAID') await settlementPaid(trx, ctx, cur, now);
    if (outcome.status === 'FAILED') {
      ctx.log.warn({ payoutId: cur.id, code: outcome.code }, 'a payout transfer failed');
      await ctx.events.publish(
        trx,
        'settlement.payout.failed',
        {
          payoutId: cur.id,
          settlementId: cur.settlement_id,
          sellerId: cur.seller_id,
          amount: cur.amount,
          code: outcome.code,
          reason: outcome.reason,
          failedAt: now.toISOString(),
        },
        publishOptions('settlement', cur.settlement_id),
      );
    }
  });
}

async function settlementPaid(trx: Trx, ctx: PayoutContext, p: Payout, paidAt: Date) {
  const s = await trx
    .updateTable('settlements')
    .set({ status: 'PAID', paid_at: paidAt, paid_by: 'payout', payout_reference: p.transfer_ref })
    .where('id', '=', p.settlement_id)
    .where('status', '=', 'COMPLETED')
    .returning(['id'])
    .executeTakeFirst();
  if (!s) return;
  await ctx.events.publish(
    trx,
    'settlement.paid',
    { settlementId: p.settlement_id, sellerId: p.seller_id, amount: p.amount, paidAt: paidAt.toISOString() },
    publishOptions('settlement', p.settlement_id),
  );
}
