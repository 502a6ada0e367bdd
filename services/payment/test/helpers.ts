import { randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import {
  serviceForFile,
  startTestService,
  TEST_APP_TOKEN,
  type TestService,
  tokenFor,
} from '@mp/platform/testing';
import { paymentSandbox } from '../sandbox/index.ts';
import { SANDBOX_SECRET_KEY } from '../src/config.ts';
import type { PaymentServiceContext } from '../src/context.ts';
import type { Database } from '../src/db/schema.ts';
import { paymentService } from '../src/service.ts';

export type PaymentService = TestService<Database, any, PaymentServiceContext>;
export const internal = { 'dapr-api-token': TEST_APP_TOKEN };
export const PG = 'http://payment.test/sandbox/pg';
export const basic = `Basic ${Buffer.from(`${SANDBOX_SECRET_KEY}:`).toString('base64')}`;

/** The payment service with its sandbox, reached through the app itself (no port). */
export async function startPayment(env: Record<string, string> = {}): Promise<PaymentService> {
  let svc: PaymentService | undefined;
  const viaApp = (url: string, init: RequestInit) => Promise.resolve(svc!.app.request(url, init));
  const def = paymentService({ fetch: viaApp, local: paymentSandbox({ fetch: viaApp }) });
  svc = await startTestService(def, {
    env: {
      LOCAL_DEV: 'true',
      PG_BASE_URL: PG,
      PG_TIMEOUT_MS: '300',
      PG_SANDBOX_DELAY_MS: '700',
      PG_SANDBOX_WEBHOOK_URL: 'http://payment.test/api/v1/payments/webhooks/toss',
      PAYMENT_RECONCILE_AFTER_MS: '100',
      ...env,
    },
  });
  return svc;
}

export function deliver(
  svc: PaymentService,
  topic: string,
  data: unknown,
  userId?: string,
  correlationId?: string,
) {
  const event = buildEvent('order', 'test', topic as never, data as never, {
    ...(userId ? { userId } : {}),
    ...(correlationId ? { correlationId } : {}),
  });
  return svc.deliver(event);
}

export interface TestOrder {
  orderId: string;
  userId: string;
  token: string;
  amount: number;
}

export interface NewOrder {
  amount?: number;
  method?: 'card' | 'transfer' | 'virtual_account';
  dueInMs?: number;
  correlationId?: string;
}

/** The data of an order.created, as the order service would announce a new order. */
export function orderCreated(o: NewOrder = {}) {
  const amount = o.amount ?? 45_000;
  return {
    orderId: randomUUID(),
    userId: randomUUID(),
    sellerId: randomUUID(),
    items: [
      {
        itemId: randomUUID(),
        productId: randomUUID(),
        sku: 'SKU-1',
        sellerId: randomUUID(),
        quantity: 1,
        price: amount,
        options: {},
        name: '나이키 에어 운동화',
      },
    ],
    totalAmount: amount,
    shippingAddress: {
      recipient: '김철수',
      phone: '010-1234-5678',
      address: '서울시 강남구',
      zipCode: '06236',
    },
    paymentMethod: o.method ?? 'card',
    sellerIds: [],
    discountAmount: 0,
    shippingFee: 0,
    payableAmount: amount,
    paymentDueAt: new Date(Date.now() + (o.dueInMs ?? 600_000)).toISOString(),
    createdAt: new Date().toISOString(),
  };
}

/** Announces a new order (order.created), as the order service would. */
export async function newOrder(svc: PaymentService, o: NewOrder = {}): Promise<TestOrder> {
  const data = orderCreated(o);
  const res = await deliver(svc, 'order.created', data, undefined, o.correlationId);
  if (res.body?.status !== 'SUCCESS')
    throw new Error(`order.created not handled: ${JSON.stringify(res.body)}`);
  return {
    orderId: data.orderId,
    userId: data.userId,
    amount: data.payableAmount,
    token: await tokenFor(data.userId, 'buyer'),
  };
}

/** What a browser does in Toss's payment window: the sandbox hands out a paymentKey. */
export async function payInWindow(
  svc: PaymentService,
  order: TestOrder,
  simulate = 'approve',
  method = 'card',
) {
  const res = await svc.call('POST', '/sandbox/pg/window/payments', {
    body: { orderId: order.orderId, amount: order.amount, orderName: '테스트 주문', method, simulate },
  });
  if (res.status !== 201) throw new Error(`window: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.paymentKey as string;
}

export const confirm = (
  svc: PaymentService,
  order: TestOrder,
  paymentKey: string,
  extra: Record<string, string> = {},
) =>
  svc.call('POST', '/api/v1/payments/confirm', {
    token: order.token,
    body: { orderId: order.orderId, paymentKey, amount: order.amount },
    headers: extra,
  });

/**
 * The order's payment as a process that died during its first confirmation (after the claim, or
 * after the PG call) left it, a minute ago: paid in the window (`paymentKey`) or with a saved method.
 */
export const leftInProgress = (
  svc: PaymentService,
  orderId: string,
  by: { paymentKey: string } | { methodId: string },
) =>
  svc.deps.db
    .updateTable('payments')
    .set({
      status: 'IN_PROGRESS',
      ...('paymentKey' in by ? { payment_key: by.paymentKey } : { payment_method_id: by.methodId }),
      confirm_attempt: 1,
      confirm_started_at: new Date(Date.now() - 60_000),
    })
    .where('order_id', '=', orderId)
    .execute();

export const paymentOf = (svc: PaymentService, orderId: string) =>
  svc.deps.db.selectFrom('payments').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow();

export const eventsFor = async (svc: PaymentService, topic: string, orderId: string) =>
  (await svc.outbox(topic)).filter((e) => e.data.orderId === orderId);

export const sandboxRow = async (svc: PaymentService, orderId: string) =>
  (await svc.call('GET', `/sandbox/pg/v1/payments/orders/${orderId}`, { headers: { authorization: basic } }))
    .body;

export async function eventually<T>(fn: () => Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const cancelled = (order: TestOrder, previousStatus = 'PAID') => ({
  orderId: order.orderId,
  userId: order.userId,
  reason: '단순변심',
  cancelledAt: new Date().toISOString(),
  previousStatus,
});

/** The payment service of one test file: started before its tests, closed after them. */
export function paymentForFile(env: Record<string, string> = {}): PaymentService {
  return serviceForFile(() => startPayment(env), 'the payment service');
}
