import { timingSafeEqual } from 'node:crypto';
import { type App, type Kysely, sql, z } from '@mp/platform';
import type { Context } from 'hono';
import { type SandboxPayment, type SandboxTables, sandboxDb } from './store.ts';
import {
  kst,
  newPaymentKey,
  newSecret,
  newTransactionKey,
  type TossError,
  tossErrors,
  toTossPayment,
} from './toss-shape.ts';

/** What makes the sandbox misbehave, deterministically, for one payment. */
export const scenarios = [
  'approve',
  'decline',
  'pg_error',
  'pg_error_once',
  'late_answer',
  'late_processing',
  'cancel_error_once',
] as const;
export type Scenario = (typeof scenarios)[number];

export interface SandboxOptions {
  secretKey: string;
  /** How long `late_answer` and `late_processing` keep the caller waiting. */
  delayMs: number;
  /** Where the sandbox sends its webhooks (the payment service's webhook route). */
  webhookUrl: string;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
}

export const SANDBOX_BASE = '/sandbox/pg';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const windowBody = z.object({
  orderId: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, '6–64 of A-Z a-z 0-9 - _'),
  amount: z.int().min(0),
  orderName: z.string().max(100).default('주문'),
  method: z.enum(['card', 'transfer', 'virtual_account']).default('card'),
  simulate: z.enum(scenarios).default('approve'),
});
const confirmBody = z.object({ paymentKey: z.string().min(1), orderId: z.string().min(1), amount: z.int() });
const cancelBody = z.object({
  cancelReason: z.string().min(1).max(200),
  cancelAmount: z.int().positive().optional(),
});

/**
 * A PG sandbox that speaks Toss Payments' API (local profiles and tests only), plus what Toss's
 * payment window does in a browser: `POST /sandbox/pg/window/payments` gives the `paymentKey` a
 * client then passes to `POST /api/v1/payments/confirm`, and a virtual-account deposit.
 */
export function sandboxRoutes(app: App, anyDb: Kysely<unknown>, o: SandboxOptions) {
  const expected = Buffer.from(`Basic ${Buffer.from(`${o.secretKey}:`).toString('base64')}`);
  const authorized = (c: Context) => {
    const sent = Buffer.from(c.req.header('authorization') ?? '');
    return sent.length === expected.length && timingSafeEqual(sent, expected);
  };
  const fail = (c: Context, e: TossError) => c.json({ code: e.code, message: e.message }, e.status);
  const db = () => sandboxDb(anyDb);
  const body = async <T extends z.ZodType>(c: Context, schema: T) => {
    const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
    return parsed.success
      ? { ok: true as const, data: parsed.data as z.infer<T> }
      : {
          ok: false as const,
          error: tossErrors.invalid(
            parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          ),
        };
  };

  /** Replays an answer stored under the Idempotency-Key, or runs `fn` and stores its answer (not a 5xx). */
  async function idempotently(c: Context, fn: () => Promise<Response>): Promise<Response> {
    const key = c.req.header('idempotency-key');
    if (!key) return fn();
    const route = `${c.req.method} ${c.req.path}`;
    const s = await db();
    const claimed = await s
      .insertInto('pg_sandbox_idempotency')
      .values({ key, route, status: null, body: null, created_at: new Date() })
      .onConflict((oc) => oc.doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed) {
      const row = await s
        .selectFrom('pg_sandbox_idempotency')
        .selectAll()
        .where('key', '=', key)
        .where('route', '=', route)
        .executeTakeFirstOrThrow();
      if (row.status === null) return fail(c, tossErrors.inProgress);
      return c.body(row.body ?? '', row.status as 200, { 'content-type': 'application/json' });
    }
    const res = await fn();
    if (res.status >= 500)
      await s
        .deleteFrom('pg_sandbox_idempotency')
        .where('key', '=', key)
        .where('route', '=', route)
        .execute();
    else
      await s
        .updateTable('pg_sandbox_idempotency')
        .set({ status: res.status, body: await res.clone().text() })
        .where('key', '=', key)
        .where('route', '=', route)
        .execute();
    return res;
  }

  async function webhook(payload: unknown) {
    for (const wait of [0, 200, 1000]) {
      await sleep(wait);
      const ok = await o
        .fetch(o.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        })
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) return;
    }
  }
  const statusChanged = (p: SandboxPayment) =>
    webhook({
      eventType: 'PAYMENT_STATUS_CHANGED',
      createdAt: kst(new Date())?.slice(0, 19),
      data: toTossPayment(p),
    });

  /** Approves a payment that is READY or IN_PROGRESS: paid, or a virtual account issued. */
  async function approve(s: Kysely<SandboxTables>, key: string): Promise<SandboxPayment | undefined> {
    const row = await s
      .selectFrom('pg_sandbox_payments')
      .selectAll()
      .where('payment_key', '=', key)
      .executeTakeFirstOrThrow();
    const virtual = row.method === 'virtual_account';
    return s
      .updateTable('pg_sandbox_payments')
      .set({
        status: virtual ? 'WAITING_FOR_DEPOSIT' : 'DONE',
        approved_at: virtual ? null : new Date(),
        last_transaction_key: newTransactionKey(),
        virtual_account: virtual
          ? JSON.stringify({
              accountType: '일반',
              accountNumber: `X${String(Date.now()).slice(-12)}`,
              bankCode: '88',
              customerName: '구매자',
              dueDate: kst(new Date(Date.now() + 3 * 86_400_000)),
              refundStatus: 'NONE',
              expired: false,
              settlementStatus: 'INCOMPLETED',
            })
          : null,
      })
      .where('payment_key', '=', key)
      .where('status', 'in', ['READY', 'IN_PROGRESS'])
      .returningAll()
      .executeTakeFirst();
  }

  // The payment window (결제창): the buyer authenticates; the client receives a paymentKey.
  app.post(`${SANDBOX_BASE}/window/payments`, async (c) => {
    const b = await body(c, windowBody);
    if (!b.ok) return fail(c, b.error);
    const s = await db();
    const existing = await s
      .selectFrom('pg_sandbox_payments')
      .selectAll()
      .where('order_id', '=', b.data.orderId)
      .executeTakeFirst();
    if (existing && !['READY', 'ABORTED', 'EXPIRED'].includes(existing.status))
      return fail(c, tossErrors.alreadyProcessed);
    if (existing) await s.deleteFrom('pg_sandbox_payments').where('order_id', '=', b.data.orderId).execute();
    const row = await s
      .insertInto('pg_sandbox_payments')
      .values({
        payment_key: newPaymentKey(),
        order_id: b.data.orderId,
        order_name: b.data.orderName,
        method: b.data.method,
        amount: b.data.amount,
        balance_amount: b.data.amount,
        status: 'READY',
        scenario: b.data.simulate,
        confirms: 0,
        cancel_failures: 0,
        approved_at: null,
        requested_at: new Date(),
        secret: newSecret(),
        last_transaction_key: null,
        virtual_account: null,
        cancels: JSON.stringify([]) as never,
        failure: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
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
      switch (row.scenario as Scenario) {
        case 'decline':
          await s
            .updateTable('pg_sandbox_payments')
            .set({
              status: 'ABORTED',
              failure: JSON.stringify({
                code: tossErrors.declined.code,
                message: tossErrors.declined.message,
              }),
            })
            .where('payment_key', '=', row.payment_key)
            .execute();
          return fail(c, tossErrors.declined);
        case 'pg_error':
          return fail(c, tossErrors.internal);
        case 'pg_error_once':
          if (row.confirms === 1) return fail(c, tossErrors.internal);
          break;
        case 'late_processing': {
          await s
            .updateTable('pg_sandbox_payments')
            .set({ status: 'IN_PROGRESS' })
            .where('payment_key', '=', row.payment_key)
            .execute();
          await sleep(o.delayMs);
          const done = await approve(s, row.payment_key);
          if (!done) return fail(c, tossErrors.alreadyProcessed);
          void statusChanged(done);
          return c.json(toTossPayment(done), 200);
        }
        case 'late_answer': {
          const done = await approve(s, row.payment_key);
          await sleep(o.delayMs);
          return done ? c.json(toTossPayment(done), 200) : fail(c, tossErrors.alreadyProcessed);
        }
      }
      const done = await approve(s, row.payment_key);
      return done ? c.json(toTossPayment(done), 200) : fail(c, tossErrors.alreadyProcessed);
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
