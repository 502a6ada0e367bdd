/**
 * One order's saga is one trace: a buyer's client sends its own W3C `traceparent` through the
 * gateway on every step it takes (order, payment, the seller's dispatch, the confirmation); the
 * services carry it through their invocations and, through their outboxes, into the events, whose
 * consumers continue it. The stack's trace viewer (Zipkin) is then asked for that one trace, and
 * it holds spans of every service the saga crossed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type EventType, eventCatalog, monitorService, type ServiceName } from '@mp/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { traceViewerPortOf } from '../../scripts/stack/ports.ts';
import { adminToken, api, eventually } from './lib.ts';
import {
  address,
  buyer,
  category,
  type Listed,
  listedProduct,
  orderReaches,
  type Party,
  pay,
  shipAndDeliver,
  verifiedSeller,
} from './ordering-lib.ts';

const viewer = () => process.env.MP_TRACE_VIEWER_URL ?? `http://127.0.0.1:${traceViewerPortOf()}`;

interface Span {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  localEndpoint?: { serviceName?: string };
}

/** The spans of one trace, as the viewer's API (Zipkin v2) answers them. */
async function trace(traceId: string): Promise<Span[]> {
  const res = await fetch(`${viewer()}/api/v2/trace/${traceId}`);
  return res.status === 200 ? ((await res.json()) as Span[]) : [];
}

const servicesIn = (spans: Span[]) =>
  new Set(spans.map((s) => s.localEndpoint?.serviceName).filter((s): s is string => Boolean(s)));

/** Who a topic reaches: its subscribers and the event monitor, which takes every topic. */
const reached = (topics: EventType[]): ServiceName[] =>
  topics.flatMap((t) => [...eventCatalog[t].subscribers, monitorService]);

let admin: string;
let seller: Party;
let shoe: Listed;
beforeAll(async () => {
  admin = await adminToken();
  seller = await verifiedSeller(admin);
  shoe = await listedProduct(admin, seller, {
    categoryId: await category(admin),
    name: '추적되는 러닝화',
    price: 59_000,
    stock: 10,
  });
});

describe('one order, one trace', () => {
  it('shows every service the saga crossed in the trace the client started', async () => {
    const traceId = randomBytes(16).toString('hex');
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    const headers = { traceparent, 'x-correlation-id': `e2e-trace-${randomUUID()}` };
    const who = await buyer();

    const placed = await api('POST', '/api/v1/orders', {
      token: who.token,
      headers: { ...headers, 'idempotency-key': randomUUID() },
      body: {
        items: [{ productId: shoe.productId, sku: shoe.sku, quantity: 1 }],
        shippingAddress: address,
        paymentMethod: 'card',
      },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const order = placed.body as { id: string; payableAmount: number };
    const paid = await pay(who, order, headers);
    expect([paid.status, paid.body.status], JSON.stringify(paid.body)).toEqual([200, 'DONE']);
    await orderReaches(who, order.id, 'PREPARING');
    await shipAndDeliver(order, [seller], headers);
    await orderReaches(who, order.id, 'DELIVERED');
    const confirmed = await api('POST', `/api/v1/orders/${order.id}/confirm`, { token: who.token, headers });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);

    // The steps the client took, and the events they caused (the carrier's delivery is the
    // shipping service's own tracking poll, a trace of its own).
    const expected = new Set<string>([
      'order',
      'payment',
      'shipping',
      // order → product (prices), order → inventory (reservation): invocations.
      'product',
      'inventory',
      ...reached([
        'order.created',
        'payment.requested',
        'payment.completed',
        'shipping.requested',
        'shipping.dispatched',
        'order.item.confirmed',
        'order.completed',
      ]),
    ]);
    const spans = await eventually(
      async () => {
        const found = await trace(traceId);
        const seen = servicesIn(found);
        return [...expected].every((s) => seen.has(s)) ? found : undefined;
      },
      60_000,
      `the trace ${traceId} in the viewer to hold spans of ${[...expected].sort().join(', ')}`,
    ).catch(async (err) => {
      const seen = [...servicesIn(await trace(traceId))].sort();
      throw new Error(`${err.message}; it holds ${seen.join(', ') || 'nothing'}`);
    });
    expect(spans.every((s) => s.traceId === traceId)).toBe(true);
    // The consumers' spans hang under the trace: event deliveries and invocations alike.
    const names = spans.map((s) => s.name ?? '');
    expect(names.some((n) => n.startsWith('pubsub/order.created'))).toBe(true);
    expect(names.some((n) => n.startsWith('pubsub/payment.completed'))).toBe(true);
  });
});
