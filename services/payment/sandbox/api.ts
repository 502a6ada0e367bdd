import { type App, sql } from '@mp/platform';
import { settleAttempt } from './attempt.ts';
import { cancelBody, confirmBody, SANDBOX_BASE, type SandboxKit } from './kit.ts';
import { kst, newTransactionKey, tossErrors, toTossPayment } from './toss-shape.ts';

/** Toss Payments' API as the sandbox serves it: confirm, look up, cancel. */
export function apiRoutes(app: App, k: SandboxKit) {
  const { authorized, fail, db, body, idempotently } = k;
  // 결제 승인
  app.post(`${SANDBOX_BASE}/v1/payments/confirm`, async (c) => {
    if (!authorized(c)) return fail(c, tossErrors.unauthorized);
    const b = await body(c, confirmBody);
    if (!b.ok) return fail(c, b.error);
    return idempotently(c, async () => {
      const s = await db();
      const row = await s
        .updateTable('pg_sandbox_payments')
        .set((eb) => ({ confirms: eb('confirms', '+', 1) }))
        .where('payment_key', '=', b.data.paymentKey)
        .returningAll()
        .executeTakeFirst();
      if (!row) return fail(c, tossErrors.sessionNotFound);
      if (row.order_id !== b.data.orderId)
        return fail(c, tossErrors.invalid('orderId가 결제와 일치하지 않습니다.'));
      if (row.amount !== b.data.amount) return fail(c, tossErrors.invalid('결제 금액이 일치하지 않습니다.'));
      if (row.status !== 'READY') return fail(c, tossErrors.alreadyProcessed);
      return settleAttempt(c, k, s, row);
    });
  });

  // 결제 조회
  app.get(`${SANDBOX_BASE}/v1/payments/orders/:orderId`, async (c) => {
    if (!authorized(c)) return fail(c, tossErrors.unauthorized);
    const row = await (await db())
      .selectFrom('pg_sandbox_payments')
      .selectAll()
      .where('order_id', '=', c.req.param('orderId'))
      .executeTakeFirst();
    return row ? c.json(toTossPayment(row), 200) : fail(c, tossErrors.paymentNotFound);
  });
  app.get(`${SANDBOX_BASE}/v1/payments/:paymentKey`, async (c) => {
    if (!authorized(c)) return fail(c, tossErrors.unauthorized);
    const row = await (await db())
      .selectFrom('pg_sandbox_payments')
      .selectAll()
      .where('payment_key', '=', c.req.param('paymentKey'))
      .executeTakeFirst();
    return row ? c.json(toTossPayment(row), 200) : fail(c, tossErrors.paymentNotFound);
  });

  // 결제 취소 (전액 또는 부분)
  app.post(`${SANDBOX_BASE}/v1/payments/:paymentKey/cancel`, async (c) => {
    if (!authorized(c)) return fail(c, tossErrors.unauthorized);
    const b = await body(c, cancelBody);
    if (!b.ok) return fail(c, b.error);
    return idempotently(c, async () => {
      const s = await db();
      return s.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('pg_sandbox_payments')
          .selectAll()
          .where('payment_key', '=', c.req.param('paymentKey'))
          .forUpdate()
          .executeTakeFirst();
        if (!row) return fail(c, tossErrors.paymentNotFound);
        if (row.status === 'CANCELED') return fail(c, tossErrors.alreadyCanceled);
        if (!['DONE', 'PARTIAL_CANCELED', 'WAITING_FOR_DEPOSIT'].includes(row.status))
          return fail(c, tossErrors.notCancelable);
        if (row.scenario === 'cancel_error_once' && row.cancel_failures === 0) {
          await trx
            .updateTable('pg_sandbox_payments')
            .set({ cancel_failures: 1 })
            .where('payment_key', '=', row.payment_key)
            .execute();
          return fail(c, tossErrors.cancelInternal);
        }
        // A deposited virtual account is refunded by transfer: Toss needs the account to send it to.
        if (
          row.method === 'virtual_account' &&
          row.status !== 'WAITING_FOR_DEPOSIT' &&
          !b.data.refundReceiveAccount
        )
          return fail(c, tossErrors.refundAccountRequired);
        const amount = b.data.cancelAmount ?? row.balance_amount;
        if (row.status === 'WAITING_FOR_DEPOSIT' && amount !== row.balance_amount)
          return fail(c, tossErrors.partialWaitingDeposit);
        if (amount > row.balance_amount || amount <= 0) return fail(c, tossErrors.notCancelableAmount);
        const balance = row.balance_amount - amount;
        const transactionKey = newTransactionKey();
        const cancels = [
          ...row.cancels,
          {
            transactionKey,
            cancelReason: b.data.cancelReason,
            cancelAmount: amount,
            canceledAt: kst(new Date()),
            refundableAmount: balance,
            cancelStatus: 'DONE',
            taxFreeAmount: 0,
          },
        ];
        const updated = await trx
          .updateTable('pg_sandbox_payments')
          .set({
            balance_amount: balance,
            status: balance === 0 ? 'CANCELED' : 'PARTIAL_CANCELED',
            cancels: sql`${JSON.stringify(cancels)}::jsonb` as never,
            last_transaction_key: transactionKey,
          })
          .where('payment_key', '=', row.payment_key)
          .returningAll()
          .executeTakeFirstOrThrow();
        return c.json(toTossPayment(updated), 200);
      });
    });
  });
}
