import { randomUUID } from 'node:crypto';
import { newId } from '@mp/platform';
import { describe, expect, it } from 'vitest';
import { createProduct, deliver, inventoryForFile, reserve, stockOf, uniqueSku } from './helpers.ts';

const svc = inventoryForFile();

const inspected = (
  productId: string,
  lines: { sku: string; quantity: number; condition: 'RESELLABLE' | 'DAMAGED' }[],
  result: 'ACCEPTED' | 'REJECTED' = 'ACCEPTED',
) => ({
  orderId: newId(),
  userId: newId(),
  sellerId: newId(),
  refundRequestId: newId(),
  result,
  returnReason: 'CHANGE_OF_MIND' as const,
  reason: result === 'REJECTED' ? '사용 흔적' : null,
  photoFileIds: [],
  lines: lines.map((l) => ({ itemId: newId(), productId, ...l })),
  amount: 20_000,
  returnShippingFee: 3_000,
  refundAmount: result === 'ACCEPTED' ? 17_000 : 0,
  inspectedBy: 'SELLER' as const,
  inspectedAt: new Date().toISOString(),
});

describe('returns (order.return.inspected)', () => {
  it('restocks resellable units and writes off damaged ones, once however often told', async () => {
    const [ok, broken] = [uniqueSku('RET-OK'), uniqueSku('RET-BAD')];
    const productId = await createProduct(svc, randomUUID(), [
      { sku: ok, stock: 3 },
      { sku: broken, stock: 3 },
    ]);
    const e = inspected(productId, [
      { sku: ok, quantity: 2, condition: 'RESELLABLE' },
      { sku: broken, quantity: 1, condition: 'DAMAGED' },
    ]);
    await deliver(svc, 'order.return.inspected', e);
    await deliver(svc, 'order.return.inspected', e, randomUUID());
    expect((await stockOf(svc, ok)).on_hand).toBe(5);
    expect((await stockOf(svc, broken)).on_hand).toBe(3);
    const trail = await svc.deps.db
      .selectFrom('stock_movements')
      .select(['sku', 'reason', 'delta_on_hand'])
      .where('actor', '=', `return:${e.refundRequestId}`)
      .orderBy('sku')
      .execute();
    expect(trail.map((m) => [m.sku === ok ? 'ok' : 'bad', m.reason, m.delta_on_hand]).sort()).toEqual([
      ['bad', 'WRITE_OFF', 0],
      ['ok', 'RETURN', 2],
    ]);
  });

  it('changes nothing for a rejected return', async () => {
    const sku = uniqueSku('RET-NO');
    const productId = await createProduct(svc, randomUUID(), [{ sku, stock: 4 }]);
    await deliver(
      svc,
      'order.return.inspected',
      inspected(productId, [{ sku, quantity: 1, condition: 'RESELLABLE' }], 'REJECTED'),
    );
    expect((await stockOf(svc, sku)).on_hand).toBe(4);
  });
});

describe('a failed exchange (order.exchange.failed)', () => {
  it('releases the new units held for it', async () => {
    const l = uniqueSku('EXF-L');
    await createProduct(svc, randomUUID(), [{ sku: l, stock: 5 }]);
    const exchangeId = newId();
    expect((await reserve(svc, exchangeId, [{ sku: l, quantity: 1 }], 600)).status).toBe(201);
    expect((await stockOf(svc, l)).reserved).toBe(1);
    await deliver(svc, 'order.exchange.failed', {
      orderId: newId(),
      exchangeId,
      userId: newId(),
      sellerId: newId(),
      leg: 'DELIVERY',
      reason: '배달불가',
      failedAt: new Date().toISOString(),
    });
    expect((await stockOf(svc, l)).reserved).toBe(0);
  });
});
