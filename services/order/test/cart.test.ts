import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { address, buyer, line, orderForFile, twoSellers } from './helpers.ts';

const svc = orderForFile();

describe('the cart (Carts)', () => {
  it('adds, merges the same SKU, changes and removes lines, priced now', async () => {
    const who = await buyer();
    const { shoe, tee } = twoSellers(svc);
    const call = (method: string, path: string, body?: unknown) =>
      svc.call(method, path, { token: who.token, body });
    await call('POST', '/api/v1/cart/items', line(tee));
    const merged = await call('POST', '/api/v1/cart/items', line(tee, 2));
    expect(merged.body.items.map((i: { sku: string; quantity: number }) => [i.sku, i.quantity])).toEqual([
      [tee.sku, 3],
    ]);
    await call('POST', '/api/v1/cart/items', line(shoe));
    const cart = await call('GET', '/api/v1/cart');
    expect(cart.body).toMatchObject({
      totalAmount: 129_000 + 57_000,
      shippingFee: 0,
      payableAmount: 186_000,
    });
    expect((await call('PATCH', `/api/v1/cart/items/${tee.sku}`, { quantity: 1 })).body.totalAmount).toBe(
      148_000,
    );
    const left = await call('DELETE', `/api/v1/cart/items/${shoe.sku}`);
    expect(left.body).toMatchObject({ totalAmount: 19_000, shippingFee: 3000, payableAmount: 22_000 });
    expect((await call('DELETE', '/api/v1/cart/items/NOT-THERE')).status).toBe(404);
  });

  it('re-prices on every view and shows a product no longer sold as unavailable', async () => {
    const who = await buyer();
    const { shoe, tee } = twoSellers(svc);
    await svc.call('POST', '/api/v1/cart/merge', {
      token: who.token,
      body: { items: [line(shoe), line(tee)] },
    });
    shoe.unitPrice = 99_000;
    tee.status = 'PENDING_REVIEW';
    const cart = (await svc.call('GET', '/api/v1/cart', { token: who.token })).body;
    expect(
      cart.items.map((i: { unitPrice: number | null; available: boolean; problem: string | null }) => [
        i.unitPrice,
        i.available,
        i.problem,
      ]),
    ).toEqual([
      [99_000, true, null],
      [null, false, 'PRODUCT_UNAVAILABLE'],
    ]);
    expect(cart.totalAmount).toBe(99_000);
  });

  it('refuses to add an unknown product', async () => {
    const who = await buyer();
    const res = await svc.call('POST', '/api/v1/cart/items', {
      token: who.token,
      body: { productId: randomUUID(), sku: 'NOPE', quantity: 1 },
    });
    expect([res.status, res.body.code]).toEqual([404, 'PRODUCT_NOT_FOUND']);
  });

  it('merges a guest cart into the buyer’s, capping quantities', async () => {
    const who = await buyer();
    const { tee } = twoSellers(svc);
    await svc.call('POST', '/api/v1/cart/items', { token: who.token, body: line(tee, 90) });
    const res = await svc.call('POST', '/api/v1/cart/merge', {
      token: who.token,
      body: { items: [line(tee, 20)] },
    });
    expect(res.body.items[0].quantity).toBe(99);
  });

  it('orders the whole cart at checkout prices, then takes the ordered lines out', async () => {
    const who = await buyer();
    const { shoe, tee } = twoSellers(svc);
    await svc.call('POST', '/api/v1/cart/merge', {
      token: who.token,
      body: { items: [line(shoe), line(tee, 2)] },
    });
    const shown = (await svc.call('GET', '/api/v1/cart', { token: who.token })).body.payableAmount;
    const order = await svc.call('POST', '/api/v1/orders', {
      token: who.token,
      body: { fromCart: true, shippingAddress: address, paymentMethod: 'card', expectedPayableAmount: shown },
    });
    expect([order.status, order.body.payableAmount]).toEqual([201, shown]);
    expect((await svc.call('GET', '/api/v1/cart', { token: who.token })).body.items).toEqual([]);
    const empty = await svc.call('POST', '/api/v1/orders', {
      token: who.token,
      body: { fromCart: true, shippingAddress: address, paymentMethod: 'card' },
    });
    expect([empty.status, empty.body.errors[0].path]).toEqual([400, 'fromCart']);
  });

  it('is each buyer’s own and needs a buyer', async () => {
    const a = await buyer();
    const b = await buyer();
    const { tee } = twoSellers(svc);
    await svc.call('POST', '/api/v1/cart/items', { token: a.token, body: line(tee) });
    expect((await svc.call('GET', '/api/v1/cart', { token: b.token })).body.items).toEqual([]);
    expect((await svc.call('GET', '/api/v1/cart')).status).toBe(401);
  });
});
