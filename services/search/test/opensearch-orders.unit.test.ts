import type { EventData } from '@mp/contracts';
import { decodeCursor, timeIdCursor } from '@mp/platform';
import { describe, expect, it } from 'vitest';
import type { OpenSearchLike } from '../src/backends/opensearch.ts';
import { openSearchOrders } from '../src/backends/orders-opensearch.ts';
import {
  ORDER_SCRIPT,
  type OrderUpdate,
  orderCreatedUpdate,
  orderRefundUpdate,
  orderSearchRequest,
  orderStatusUpdate,
  ordersIndexDefinition,
} from '../src/backends/orders-opensearch-requests.ts';
import { twoSellerOrder } from './order-fixture.ts';
import { runAsJavaScript } from './painless.ts';

const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();

const created = twoSellerOrder(at(0));
const refund = (refundId: string, amount: number, s: number): EventData<'order.refund.completed'> => ({
  orderId: 'o-1',
  userId: 'u-1',
  refundRequestId: null,
  refundId,
  amount,
  items: [],
  completedAt: at(s),
});
const status = (st: string, s: number) =>
  orderStatusUpdate('orders', { orderId: 'o-1', userId: 'u-1', status: st, at: at(s) });

/** Runs ORDER_SCRIPT as OpenSearch would for a scripted upsert, on a stored document (or none). */
function apply(stored: Record<string, unknown> | undefined, u: OrderUpdate) {
  const { op, source } = runAsJavaScript(ORDER_SCRIPT, stored ?? u.body.upsert, u.body.script.params);
  return op === 'none' ? stored : source;
}
const run = (...updates: OrderUpdate[]) =>
  updates.reduce<Record<string, unknown> | undefined>((doc, u) => apply(doc, u), undefined);

describe('the OpenSearch orders index definition', () => {
  it('matches words with nori and grams of the space-less text, a seller in its own part, filters by keyword', () => {
    const p = ordersIndexDefinition.mappings.properties;
    expect(ordersIndexDefinition.settings.analysis.analyzer.compact_grams.tokenizer).toBe('grams');
    expect(p.text).toMatchObject({ analyzer: 'korean', fields: { grams: { analyzer: 'compact_grams' } } });
    expect(p.recipient).toMatchObject({
      analyzer: 'korean',
      fields: { grams: { analyzer: 'compact_grams' } },
    });
    expect(p.sellerTexts).toMatchObject({ type: 'nested', properties: { sellerId: { type: 'keyword' } } });
    for (const f of ['orderId', 'userId', 'sellerIds', 'status'] as const) expect(p[f].type).toBe('keyword');
    expect(p.createdAt.type).toBe('date');
    expect(p.statusAt).toEqual({ type: 'date', format: 'epoch_millis' });
    expect(ordersIndexDefinition.mappings.dynamic).toBe('strict');
  });
});

describe('OpenSearch order writes (the script run as it is written)', () => {
  it('indexes order.created with its text and each seller’s own part', () => {
    const u = orderCreatedUpdate('orders', created);
    expect(u).toMatchObject({ index: 'orders', id: 'o-1', retry_on_conflict: 5 });
    expect(u.body).toMatchObject({ scripted_upsert: true, upsert: {} });
    expect(u.body.script.source).toBe(ORDER_SCRIPT);
    const doc = run(u)!;
    expect(doc).toMatchObject({
      orderId: 'o-1',
      userId: 'u-1',
      status: 'PENDING_PAYMENT',
      statusAt: Date.parse(at(0)),
      sellerIds: ['s-a', 's-b'],
      text: '러닝화 블랙 양말 세트 김철수',
      sellerTexts: [
        { sellerId: 's-a', text: '러닝화 블랙 김철수' },
        { sellerId: 's-b', text: '양말 세트 김철수' },
      ],
      payableAmount: 25_000,
      refundedAmount: 0,
      createdAt: at(0),
    });
    expect(Object.keys(doc).every((k) => k in ordersIndexDefinition.mappings.properties)).toBe(true);
  });

  it('keeps a stub from news before order.created, which order.created completes without going back', () => {
    const doc = run(status('REFUND_REQUESTED', 10), orderCreatedUpdate('orders', created))!;
    expect(doc).toMatchObject({
      status: 'REFUND_REQUESTED',
      statusAt: Date.parse(at(10)),
      recipient: '김철수',
    });
    expect(
      run(status('CANCELLED', 0), orderCreatedUpdate('orders', { ...created, createdAt: at(1) })),
    ).toMatchObject({
      status: 'PENDING_PAYMENT',
    });
  });

  it('sets a status only from news not older than the document’s', () => {
    const paid = run(orderCreatedUpdate('orders', created), status('COMPLETED', 20));
    expect(apply(paid, status('CANCELLED', 5))).toBe(paid); // ctx.op = 'none'
    expect(apply(paid, status('CANCELLED', 20))).toMatchObject({ status: 'CANCELLED' });
  });

  it('adds each refund once (a redelivery adds nothing) and is REFUNDED when they cover the payment', () => {
    const u = orderRefundUpdate('orders', refund('r-1', 10_000, 20));
    expect(u.body.script.params).toMatchObject({
      kind: 'refund',
      refundId: 'r-1',
      amount: 10_000,
      at: Date.parse(at(20)),
    });
    const once = run(orderCreatedUpdate('orders', created), u)!;
    expect(once).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmount: 10_000, refundIds: ['r-1'] });
    expect(apply(once, u)).toBe(once);
    // A late cancellation does not overwrite; the second refund covers the rest.
    const late = apply(once, status('CANCELLED', 5));
    expect(late).toBe(once);
    expect(apply(once, orderRefundUpdate('orders', refund('r-2', 15_000, 30)))).toMatchObject({
      status: 'REFUNDED',
      refundedAmount: 25_000,
    });
    // An older refund still adds its amount, but does not set the status.
    const older = apply(run(orderCreatedUpdate('orders', created), status('COMPLETED', 50)), u);
    expect(older).toMatchObject({ status: 'COMPLETED', refundedAmount: 10_000 });
  });

  it('makes a refund that comes first a REFUNDED stub', () => {
    expect(run(orderRefundUpdate('orders', refund('r-1', 1_000, 5)))).toMatchObject({
      orderId: 'o-1',
      userId: 'u-1',
      status: 'REFUNDED',
      refundedAmount: 1_000,
    });
  });
});

describe('OpenSearch order queries', () => {
  const base = { q: '', limit: 20 };
  it('lets an admin find by id or words in the whole text, with filters, newest first', () => {
    const req = orderSearchRequest(
      'orders',
      {
        ...base,
        q: '러닝 김',
        status: 'REFUNDED',
        userId: 'u-1',
        sellerId: 's-a',
        from: '2025-01-01',
        to: '2025-01-02',
      },
      undefined,
      undefined,
    );
    expect(req.body.query.bool.filter).toEqual([
      { exists: { field: 'createdAt' } },
      { term: { sellerIds: 's-a' } },
      { term: { userId: 'u-1' } },
      { term: { status: 'REFUNDED' } },
      { range: { createdAt: { gte: '2025-01-01', lt: '2025-01-02' } } },
      {
        bool: {
          should: [
            { term: { orderId: '러닝 김' } },
            {
              bool: {
                filter: [
                  { match: { 'text.grams': { query: '러닝', operator: 'and' } } },
                  { wildcard: { 'text.keyword': '*김*' } },
                ],
              },
            },
          ],
          minimum_should_match: 1,
        },
      },
    ]);
    expect(req.body.sort).toEqual([{ createdAt: 'desc' }, { orderId: 'desc' }]);
    expect(req.body.size).toBe(21);
    expect(req.body).not.toHaveProperty('search_after');
  });

  it('keeps a seller to its orders and its words to its own items, whatever sellerId it sends', () => {
    const req = orderSearchRequest('orders', { ...base, q: '양말', sellerId: 's-other' }, 's-b', undefined);
    const filter = req.body.query.bool.filter;
    expect(filter[1]).toEqual({ term: { sellerIds: 's-b' } });
    expect(filter.at(-1)).toEqual({
      bool: {
        should: [
          { term: { orderId: '양말' } },
          {
            nested: {
              path: 'sellerTexts',
              query: {
                bool: {
                  filter: [
                    { term: { 'sellerTexts.sellerId': 's-b' } },
                    { match: { 'sellerTexts.text.grams': { query: '양말', operator: 'and' } } },
                  ],
                },
              },
            },
          },
        ],
        minimum_should_match: 1,
      },
    });
  });

  const hit = (id: string, s: number) => ({
    _id: id,
    _score: null,
    _source: {
      ...run(orderCreatedUpdate('orders', { ...created, orderId: id, createdAt: at(s) })),
      updatedAt: at(s),
    },
    sort: [Date.parse(at(s)), id],
  });

  it('pages with search_after from the same cursor the PostgreSQL index makes, a seller seeing its items', async () => {
    const calls: { body: { search_after?: unknown } }[] = [];
    let hits = [hit('o-3', 3), hit('o-2', 2), hit('o-1', 1)];
    const client = {
      update: async () => ({}),
      search: async (p: { body: object }) => {
        calls.push(p as never);
        return { body: { hits: { hits: hits } } };
      },
      indices: { exists: async () => ({ body: true }), create: async () => ({}) },
      ping: async () => ({}),
    } as unknown as OpenSearchLike;
    const orders = openSearchOrders(client, 'orders');
    const first = await orders.search({ ...base, limit: 2 }, 's-b');
    expect(first.items.map((i) => i.orderId)).toEqual(['o-3', 'o-2']);
    expect(first.items[0]).toMatchObject({ items: [{ sellerId: 's-b' }], itemsAmount: 5_000 });
    expect(first.items[0]).not.toHaveProperty('payableAmount');
    expect(decodeCursor(first.nextCursor!, timeIdCursor)).toEqual({ t: at(2), id: 'o-2' });
    hits = [hit('o-1', 1)];
    const second = await orders.search({ ...base, limit: 2, cursor: first.nextCursor! });
    expect(calls[1]!.body.search_after).toEqual([Date.parse(at(2)), 'o-2']);
    expect(second).toMatchObject({
      items: [{ orderId: 'o-1', sellerIds: ['s-a', 's-b'] }],
      nextCursor: null,
    });
  });

  it('answers 503 when OpenSearch cannot, and a bad cursor is still a 400', async () => {
    const client = {
      search: async () => {
        throw new Error('connect ECONNREFUSED');
      },
      ping: async () => {
        throw new Error('down');
      },
    } as unknown as OpenSearchLike;
    const orders = openSearchOrders(client, 'orders');
    await expect(orders.search(base)).rejects.toMatchObject({ status: 503, code: 'SEARCH_UNAVAILABLE' });
    await expect(orders.search({ ...base, cursor: 'nope' })).rejects.toMatchObject({ status: 400 });
    expect(await orders.healthy()).toBe(false);
  });
});
