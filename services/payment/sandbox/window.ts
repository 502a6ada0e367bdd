import type { App, z } from '@mp/platform';
import { SANDBOX_BASE, type SandboxKit, windowBody } from './kit.ts';
import type { SandboxPayment } from './store.ts';
import {
  kst,
  newTransactionKey,
  readyPayment,
  type TossError,
  tossErrors,
  toTossPayment,
} from './toss-shape.ts';

/**
 * What Toss's payment window does in a browser: the buyer pays, the client gets a paymentKey
 * (and `simulate` picks how the PG will behave for this payment); a virtual-account deposit.
 */
export function windowRoutes(app: App, k: SandboxKit) {
  const { fail, db, body, webhook, statusChanged } = k;
  // The payment window (결제창): the buyer authenticates; the client receives a paymentKey.
  app.post(`${SANDBOX_BASE}/window/payments`, async (c) => {
    const b = await body(c, windowBody);
    if (!b.ok) return fail(c, b.error);
    const row = await openWindow(k, b.data);
    if ('code' in row) return fail(c, row);
    return c.json(
      {
        paymentKey: row.payment_key,
        orderId: row.order_id,
        amount: row.amount,
        method: row.method,
        simulate: row.scenario,
      },
      201,
    );
  });

  // The buyer deposits into the virtual account (가상계좌 입금): DONE, and the two webhooks.
  app.post(`${SANDBOX_BASE}/window/virtual-accounts/:orderId/deposit`, async (c) => {
    const s = await db();
    const row = await s
      .updateTable('pg_sandbox_payments')
      .set({ status: 'DONE', approved_at: new Date(), last_transaction_key: newTransactionKey() })
      .where('order_id', '=', c.req.param('orderId'))
      .where('status', '=', 'WAITING_FOR_DEPOSIT')
      .returningAll()
      .executeTakeFirst();
    if (!row) return fail(c, tossErrors.paymentNotFound);
    await webhook({
      createdAt: kst(new Date())?.slice(0, 19),
      secret: row.secret,
      status: 'DONE',
      transactionKey: row.last_transaction_key,
      orderId: row.order_id,
    });
    await statusChanged(row);
    return c.json(toTossPayment(row), 200);
  });
}

/**
 * Opens the payment window of an order: a READY payment with a new paymentKey. The order's first
 * window in one statement; a window opened again replaces the one before only while that one was
 * never paid. The route above, and the headless mode's payments in-process (index.ts).
 */
export async function openWindow(
  k: SandboxKit,
  w: z.output<typeof windowBody>,
): Promise<SandboxPayment | TossError> {
  const s = await k.db();
  const insert = () =>
    s.insertInto('pg_sandbox_payments').values(
      readyPayment({
        orderId: w.orderId,
        orderName: w.orderName,
        method: w.method,
        amount: w.amount,
        scenario: w.simulate,
        confirms: 0,
      }),
    );
  // The order's first window (the usual case) in one statement; a window opened again replaces
  // the one before only while that one was never paid.
  let row = await insert()
    .onConflict((oc) => oc.column('order_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    const existing = await s
      .selectFrom('pg_sandbox_payments')
      .selectAll()
      .where('order_id', '=', w.orderId)
      .executeTakeFirst();
    if (existing && !['READY', 'ABORTED', 'EXPIRED'].includes(existing.status))
      return tossErrors.alreadyProcessed;
    if (existing) await s.deleteFrom('pg_sandbox_payments').where('order_id', '=', w.orderId).execute();
    row = await insert().returningAll().executeTakeFirstOrThrow();
  }
  return row;
}
