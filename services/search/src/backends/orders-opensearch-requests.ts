import type { EventData } from '@mp/contracts';
import { type OrderQuery, type OrderStatusNews, orderContent } from '../domain/orders.ts';
import { terms } from '../domain/text.ts';
import { analysisSettings } from './opensearch-requests.ts';

/** Matched text: nori words, grams of the space-less text (inside words), and the whole for one-character terms. */
const text = {
  type: 'text',
  analyzer: 'korean',
  fields: {
    grams: { type: 'text', analyzer: 'compact_grams' },
    // Lucene refuses a term over 32 766 bytes; a longer text is only matched through its grams.
    keyword: { type: 'keyword', ignore_above: 8000 },
  },
} as const;

/**
 * The orders index: one document per order. `text` is the product names and the recipient,
 * normalised as product search does; `sellerTexts` (nested) holds each seller's own part of it,
 * so that a seller's words must all be in one seller's items. `refundIds` are the refunds already
 * added (a redelivered refund adds nothing); `statusAt` is the instant of the news that set the status.
 */
export const ordersIndexDefinition = {
  settings: analysisSettings,
  mappings: {
    dynamic: 'strict',
    properties: {
      orderId: { type: 'keyword' },
      userId: { type: 'keyword' },
      sellerIds: { type: 'keyword' },
      status: { type: 'keyword' },
      statusAt: { type: 'date', format: 'epoch_millis' },
      items: { type: 'object', enabled: false },
      recipient: {
        type: 'text',
        analyzer: 'korean',
        fields: { grams: { type: 'text', analyzer: 'compact_grams' } },
      },
      paymentMethod: { type: 'keyword' },
      totalAmount: { type: 'long' },
      payableAmount: { type: 'long' },
      refundedAmount: { type: 'long' },
      text,
      sellerTexts: { type: 'nested', properties: { sellerId: { type: 'keyword' }, text } },
      refundIds: { type: 'keyword', index: false, doc_values: false },
      createdAt: { type: 'date' },
      updatedAt: { type: 'date' },
    },
  },
} as const;

/**
 * Every order event goes through this one painless script (the document may not exist yet: a
 * scripted upsert starts from `{}`). It is written in the part of painless that reads the same
 * as JavaScript once `def` is `let` (test/opensearch-orders.unit.test.ts runs it that way):
 * - the first event of an order makes a stub; order.created fills in the content whenever it comes;
 * - the status and `statusAt` change only for news not older than `statusAt`;
 * - a refund already in `refundIds` changes nothing, so a redelivery adds nothing.
 */
export const ORDER_SCRIPT = `
def s = ctx._source;
def fresh = s.orderId == null;
if (fresh) { s.orderId = params.orderId; s.userId = params.userId; s.refundedAmount = 0; s.refundIds = new ArrayList(); }
def newer = fresh || s.statusAt <= params.at;
if (params.kind == 'refund') {
  if (s.refundIds.indexOf(params.refundId) >= 0) { ctx.op = 'none'; return; }
  s.refundIds.add(params.refundId);
  s.refundedAmount = s.refundedAmount + params.amount;
  if (newer) { s.status = s.payableAmount != null && s.refundedAmount < s.payableAmount ? 'PARTIALLY_REFUNDED' : 'REFUNDED'; }
} else if (params.kind == 'created') {
  def d = params.doc;
  s.userId = d.userId; s.sellerIds = d.sellerIds; s.items = d.items; s.recipient = d.recipient;
  s.paymentMethod = d.paymentMethod; s.totalAmount = d.totalAmount; s.payableAmount = d.payableAmount;
  s.text = d.text; s.sellerTexts = d.sellerTexts; s.createdAt = d.createdAt;
  if (newer) { s.status = 'PENDING_PAYMENT'; }
} else {
  if (!newer) { ctx.op = 'none'; return; }
  s.status = params.status;
}
if (newer) { s.statusAt = params.at; }
s.updatedAt = params.now;`.trim();

type Params =
  | { kind: 'created'; doc: ReturnType<typeof createdDoc> }
  | { kind: 'status'; status: string }
  | { kind: 'refund'; refundId: string; amount: number };

function upsert(index: string, orderId: string, userId: string, at: string, params: Params) {
  return {
    index,
    id: orderId,
    retry_on_conflict: 5,
    body: {
      scripted_upsert: true,
      script: {
        lang: 'painless',
        source: ORDER_SCRIPT,
        params: { orderId, userId, at: Date.parse(at), now: new Date().toISOString(), ...params },
      },
      upsert: {},
    },
  };
}
export type OrderUpdate = ReturnType<typeof upsert>;

function createdDoc(d: EventData<'order.created'>) {
  const { items, text, sellerTexts } = orderContent(d);
  return {
    userId: d.userId,
    sellerIds: d.sellerIds,
    items,
    recipient: d.shippingAddress.recipient,
    paymentMethod: d.paymentMethod,
    totalAmount: d.totalAmount,
    payableAmount: d.payableAmount,
    text,
    sellerTexts: Object.entries(sellerTexts).map(([sellerId, t]) => ({ sellerId, text: t })),
    createdAt: d.createdAt,
  };
}

export const orderCreatedUpdate = (index: string, d: EventData<'order.created'>) =>
  upsert(index, d.orderId, d.userId, d.createdAt, { kind: 'created', doc: createdDoc(d) });

export const orderStatusUpdate = (index: string, n: OrderStatusNews) =>
  upsert(index, n.orderId, n.userId, n.at, { kind: 'status', status: n.status });

export const orderRefundUpdate = (index: string, d: EventData<'order.refund.completed'>) =>
  upsert(index, d.orderId, d.userId, d.completedAt, {
    kind: 'refund',
    refundId: d.refundId,
    amount: d.amount,
  });

/** Every word inside `field`: grams for two characters or more, the whole text for one. */
const wordsIn = (field: string, words: string[]) =>
  words.map((w) =>
    [...w].length < 2
      ? { wildcard: { [`${field}.keyword`]: `*${w}*` } }
      : { match: { [`${field}.grams`]: { query: w, operator: 'and' } } },
  );

/**
 * Orders newest first (order.created has arrived), by order id or by words all inside the names
 * or recipient — for a seller, inside its own items or the recipient, and only its orders — with
 * the filters, a keyset page after the last (createdAt, orderId).
 */
export function orderSearchRequest(
  index: string,
  q: OrderQuery,
  seller: string | undefined,
  after: { t: string; id: string } | undefined,
) {
  const filter: Record<string, unknown>[] = [{ exists: { field: 'createdAt' } }];
  const sellerId = seller ?? q.sellerId;
  if (sellerId) filter.push({ term: { sellerIds: sellerId } });
  if (q.userId) filter.push({ term: { userId: q.userId } });
  if (q.status) filter.push({ term: { status: q.status } });
  if (q.from || q.to)
    filter.push({
      range: { createdAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } },
    });
  const words = terms(q.q);
  if (words.length) {
    const inText = seller
      ? {
          nested: {
            path: 'sellerTexts',
            query: {
              bool: {
                filter: [{ term: { 'sellerTexts.sellerId': seller } }, ...wordsIn('sellerTexts.text', words)],
              },
            },
          },
        }
      : { bool: { filter: wordsIn('text', words) } };
    filter.push({ bool: { should: [{ term: { orderId: q.q.trim() } }, inText], minimum_should_match: 1 } });
  }
  return {
    index,
    body: {
      size: q.limit + 1,
      track_total_hits: false,
      query: { bool: { filter } },
      sort: [{ createdAt: 'desc' }, { orderId: 'desc' }],
      ...(after ? { search_after: [Date.parse(after.t), after.id] } : {}),
      _source: { excludes: ['text', 'sellerTexts', 'refundIds', 'statusAt'] },
    },
  };
}
