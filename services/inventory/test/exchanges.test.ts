import { randomUUID } from 'node:crypto';
import { newId } from '@mp/platform';
import { describe, expect, it } from 'vitest';
import { createProduct, deliver, inventoryForFile, reserve, stockOf, uniqueSku } from './helpers.ts';

const svc = inventoryForFile();

/** A shoe sold in M (the buyer has one) and L (5 on hand); the exchange M → L reserved under its id. */
async function exchangeOfM() {
  const m = uniqueSku('TEE-M');
  const l = uniqueSku('TEE-L');
  const productId = await createProduct(svc, randomUUID(), [
    { sku: m, stock: 4 },
    { sku: l, stock: 5 },
  ]);
  const exchangeId = newId();
  expect((await reserve(svc, exchangeId, [{ sku: l, quantity: 1 }], 600)).status).toBe(201);
  const base = { orderId: newId(), exchangeId, userId: newId(), sellerId: newId() };
  const items = [{ itemId: newId(), productId, sku: m, newSku: l, quantity: 1 }];
  return { m, l, base, items };
}

describe('exchanges (order.exchange.*)', () => {
  it('keeps the new size held, then sells it and restocks the returned one once, however often told', async () => {
    const { m, l, base, items } = await exchangeOfM();
    const requestedAt = new Date().toISOString();
    await deliver(svc, 'order.exchange.requested', { ...base, reason: '작아요', items, requestedAt });
    const held = await svc.deps.db
      .selectFrom('reservations')
      .selectAll()
      .where('order_id', '=', base.exchangeId)
      .executeTakeFirstOrThrow();
    expect(held.expires_at.getTime()).toBeGreaterThan(Date.now() + 20 * 86_400_000);
    expect((await stockOf(svc, l)).reserved).toBe(1);

    const completed = { ...base, items, completedAt: new Date().toISOString() };
    const eventId = newId();
    expect(await deliver(svc, 'order.exchange.completed', completed, eventId)).toBe('SUCCESS');
    expect(await deliver(svc, 'order.exchange.completed', completed, eventId)).toBe('SUCCESS');
    expect(await stockOf(svc, l)).toMatchObject({ on_hand: 4, reserved: 0 });
    expect(await stockOf(svc, m)).toMatchObject({ on_hand: 5, reserved: 0 });
    const moves = await svc.deps.db
      .selectFrom('stock_movements')
      .select(['sku', 'reason', 'delta_on_hand'])
      .where('order_id', 'in', [base.orderId, base.exchangeId])
      .orderBy('id')
      .execute();
    expect(moves).toEqual([
      { sku: l, reason: 'RESERVE', delta_on_hand: 0 },
      { sku: l, reason: 'SALE', delta_on_hand: -1 },
      { sku: m, reason: 'RETURN', delta_on_hand: 1 },
    ]);
  });

  it('releases the held size when the exchange is rejected or withdrawn', async () => {
    const { l, base } = await exchangeOfM();
    await deliver(svc, 'order.exchange.cancelled', {
      ...base,
      status: 'REJECTED',
      reason: '착용 흔적',
      cancelledAt: new Date().toISOString(),
    });
    expect(await stockOf(svc, l)).toMatchObject({ on_hand: 5, reserved: 0 });
  });
});
