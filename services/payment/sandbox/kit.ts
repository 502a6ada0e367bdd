import { timingSafeEqual } from 'node:crypto';
import { type Kysely, sql, z } from '@mp/platform';
import type { Context } from 'hono';
import { SANDBOX_BASE } from '../src/context.ts';
import { type SandboxPayment, type SandboxTables, sandboxDb } from './store.ts';
import { kst, newTransactionKey, type TossError, tossErrors, toTossPayment } from './toss-shape.ts';

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

export { SANDBOX_BASE };

export const windowBody = z.object({
  orderId: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, '6–64 of A-Z a-z 0-9 - _'),
  amount: z.int().min(0),
  orderName: z.string().max(100).default('주문'),
  method: z.enum(['card', 'transfer', 'virtual_account']).default('card'),
  simulate: z.enum(scenarios).default('approve'),
});
export const confirmBody = z.object({
  paymentKey: z.string().min(1),
  orderId: z.string().min(1),
  amount: z.int(),
});
export const cancelBody = z.object({
  cancelReason: z.string().min(1).max(200),
  cancelAmount: z.int().positive().optional(),
  refundReceiveAccount: z
    .object({
      bank: z.string().min(1),
      accountNumber: z.string().regex(/^\d{1,20}$/),
      holderName: z.string().min(1).max(60),
    })
    .optional(),
});

/** What the sandbox's routes share: Toss's Basic auth and error objects, idempotency, webhooks, approval. */
export function sandboxKit(anyDb: Kysely<unknown>, o: SandboxOptions) {
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

  /** Approves a payment that is READY or IN_PROGRESS: paid, or a virtual account issued (one statement). */
  async function approve(s: Kysely<SandboxTables>, key: string): Promise<SandboxPayment | undefined> {
    const virtual = sql<boolean>`method = 'virtual_account'`;
    const account = JSON.stringify({
      accountType: '일반',
      accountNumber: `X${String(Date.now()).slice(-12)}`,
      bankCode: '88',
      customerName: '구매자',
      dueDate: kst(new Date(Date.now() + 3 * 86_400_000)),
      refundStatus: 'NONE',
      expired: false,
      settlementStatus: 'INCOMPLETED',
    });
    return s
      .updateTable('pg_sandbox_payments')
      .set({
        status: sql`case when ${virtual} then 'WAITING_FOR_DEPOSIT' else 'DONE' end`,
        approved_at: sql`case when ${virtual} then null else now() end`,
        last_transaction_key: newTransactionKey(),
        virtual_account: sql`case when ${virtual} then ${account}::jsonb end`,
      })
      .where('payment_key', '=', key)
      .where('status', 'in', ['READY', 'IN_PROGRESS'])
      .returningAll()
      .executeTakeFirst();
  }

  return { authorized, fail, db, body, idempotently, webhook, statusChanged, approve, delayMs: o.delayMs };
}

export type SandboxKit = ReturnType<typeof sandboxKit>;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
