import { randomUUID } from 'node:crypto';
import { buildEvent, newId, sql } from '@mp/platform';
import { describe, expect, it, vi } from 'vitest';
import { expireDue } from '../src/domain/reservations.ts';
import {
  createProduct,
  deliver,
  internal,
  inventoryForFile,
  reserve,
  stockOf,
  uniqueSku,
} from './helpers.ts';

const seller = newId();
const svc = inventoryForFile({ DB_POOL_MAX: '10' });

const order = () => `order-${randomUUID()}`;
const paid = (orderId: string) => ({
  paymentId: newId(),
  orderId,
  amount: 1000,
  method: 'card',
  pgTransactionId: 'tx',
  paidAt: new Date().toISOString(),
});
const cancelled = (orderId: string) => ({
  orderId,
  userId: newId(),
  reason: '단순 변심',
  cancelledAt: new Date().toISOString(),
  previousStatus: 'PAID',
});

describe('reservations (POST /internal/reservations, all or nothing)', () => {
  it('reserves every line of an order and answers a repeat with the same reservation', async () => {
    const [a, b] = [uniqueSku(), uniqueSku()];
    await createProduct(svc, seller, [
      { sku: a, stock: 10 },
      { sku: b, stock: 2 },
    ]);
    const orderId = order();
    const first = await reserve(svc, orderId, [
      { sku: b, quantity: 1 },
      { sku: a, quantity: 3 },
      { sku: b, quantity: 1 },
    ]);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      orderId,
      status: 'RESERVED',
      items: [
        { sku: a, quantity: 3 },
        { sku: b, quantity: 2 },
      ].sort((x, y) => (x.sku < y.sku ? -1 : 1)),
    });
    expect(Date.parse(first.body.expiresAt)).toBeGreaterThan(Date.now() + 800_000);
    const again = await reserve(svc, orderId, [
      { sku: a, quantity: 3 },
      { sku: b, quantity: 2 },
    ]);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await stockOf(svc, a)).toMatchObject({ on_hand: 10, reserved: 3 });
    expect(await stockOf(svc, b)).toMatchObject({ on_hand: 2, reserved: 2, level: 'OUT_OF_STOCK' });
    const reserved = (await svc.outbox('inventory.reserved')).filter((e) => e.data.orderId === orderId);
    expect(reserved.map((e) => [e.data.sku, e.data.quantity]).sort()).toEqual(
      [
        [a, 3],
        [b, 2],
      ].sort(),
    );

    const other = await reserve(svc, orderId, [{ sku: a, quantity: 1 }]);
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('RESERVATION_MISMATCH');
  });

  it('reserves nothing when one line is short, and says which line and how many are left', async () => {
    const [a, b] = [uniqueSku(), uniqueSku()];
    await createProduct(svc, seller, [
      { sku: a, stock: 10 },
      { sku: b, stock: 1 },
    ]);
    const before = (await svc.outbox()).length;
    const res = await reserve(svc, order(), [
      { sku: a, quantity: 2 },
      { sku: b, quantity: 3 },
    ]);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('OUT_OF_STOCK');
    expect(res.body.errors).toEqual([
      { path: 'items.1.quantity', message: 'only 1 available', sku: b, available: 1 },
    ]);
    expect(await stockOf(svc, a)).toMatchObject({ reserved: 0 });
    expect(await stockOf(svc, b)).toMatchObject({ reserved: 0 });
    expect((await svc.outbox()).length).toBe(before);
  });

  it('answers an unknown or removed SKU with 404 SKU_NOT_FOUND', async () => {
    const sku = uniqueSku();
    const productId = await createProduct(svc, seller, [{ sku, stock: 5 }]);
    const unknown = await reserve(svc, order(), [
      { sku, quantity: 1 },
      { sku: 'NO-SUCH-SKU', quantity: 1 },
    ]);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      code: 'SKU_NOT_FOUND',
      errors: [{ path: 'items.1.sku', sku: 'NO-SUCH-SKU' }],
    });
    expect((await stockOf(svc, sku)).reserved).toBe(0);
    await deliver(svc, 'product.deleted', {
      productId,
      sellerId: seller,
      version: 2,
      deletedAt: new Date().toISOString(),
    });
    expect((await reserve(svc, order(), [{ sku, quantity: 1 }])).status).toBe(404);
  });

  it('validates the request and answers only through Dapr', async () => {
    const bad = await reserve(svc, order(), [{ sku: 'X', quantity: 0 }]);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('items.0.quantity');
    const sku = uniqueSku();
    await createProduct(svc, seller, [{ sku, stock: 1 }]);
    // A virtual account's day to pay, plus order's margin.
    const long = await reserve(svc, order(), [{ sku, quantity: 1 }], 87_000);
    expect(long.status).toBe(201);
    expect(Date.parse(long.body.expiresAt)).toBeGreaterThan(Date.now() + 86_900_000);
    expect((await reserve(svc, order(), [{ sku, quantity: 1 }], 700_000)).body.errors[0].path).toBe(
      'ttlSeconds',
    );
    const direct = await svc.call('POST', '/internal/reservations', {
      body: { orderId: 'o', items: [{ sku: 'X', quantity: 1 }] },
    });
    expect(direct.status).toBe(403);
  });

  it('gives exactly 100 of 500 concurrent one-unit reservations a unit, and stock never goes below zero', async () => {
    const sku = uniqueSku('HOT');
    await createProduct(svc, seller, [{ sku, stock: 100, lowStockThreshold: 10 }]);
    const results = await Promise.all(
      Array.from({ length: 500 }, () => reserve(svc, order(), [{ sku, quantity: 1 }])),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(100);
    expect(statuses.filter((s) => s === 409)).toHaveLength(400);
    expect(await stockOf(svc, sku)).toMatchObject({ on_hand: 100, reserved: 100, level: 'OUT_OF_STOCK' });
    const held = await svc.deps.db
      .selectFrom('reservation_items')
      .select((eb) => eb.fn.sum<number>('quantity').as('n'))
      .where('sku', '=', sku)
      .executeTakeFirstOrThrow();
    expect(Number(held.n)).toBe(100);
    // Each line crossed once.
    const alerts = (await svc.outbox()).filter(
      (e) => e.data.sku === sku && e.eventType.match(/low_stock|out_of_stock/),
    );
    expect(alerts.map((e) => e.eventType)).toEqual(['inventory.low_stock', 'inventory.out_of_stock']);
    // Stock never below zero: the trail's running figures stay within bounds.
    const trail = await svc.deps.db
      .selectFrom('stock_movements')
      .selectAll()
      .where('sku', '=', sku)
      .execute();
    expect(trail.every((m) => m.reserved <= m.on_hand && m.reserved >= 0)).toBe(true);
    expect(trail.filter((m) => m.reason === 'RESERVE')).toHaveLength(100);
  });
});

describe('the life of a reservation', () => {
  it('releases held stock, once, and a release of nothing is fine', async () => {
    const sku = uniqueSku();
    await createProduct(svc, seller, [{ sku, stock: 3 }]);
    const orderId = order();
    await reserve(svc, orderId, [{ sku, quantity: 2 }]);
    const release = () =>
      svc.call('POST', `/internal/reservations/${orderId}/release`, { headers: internal });
    expect((await release()).body).toEqual({ orderId, status: 'RELEASED' });
    expect((await release()).status).toBe(200);
    expect(await stockOf(svc, sku)).toMatchObject({ on_hand: 3, reserved: 0 });
    const none = await svc.call('POST', `/internal/reservations/${order()}/release`, { headers: internal });
    expect(none.status).toBe(200);
  });

  it('refuses a reservation that arrives after its order released it (a placement that gave up on a slow answer)', async () => {
    const sku = uniqueSku();
    await createProduct(svc, seller, [{ sku, stock: 3 }]);
    const orderId = order();
    const released = await svc.call('POST', `/internal/reservations/${orderId}/release`, {
      headers: internal,
    });
    expect(released.status).toBe(200);
    const late = await reserve(svc, orderId, [{ sku, quantity: 2 }]);
    expect([late.status, late.body.code]).toEqual([409, 'RESERVATION_RELEASED']);
    expect(await stockOf(svc, sku)).toMatchObject({ on_hand: 3, reserved: 0 });
  });

  it('turns a paid reservation into a sale, once, however often payment.completed arrives', async () => {
    const sku = uniqueSku();
    await createProduct(svc, seller, [{ sku, stock: 5 }]);
    const orderId = order();
    await reserve(svc, orderId, [{ sku, quantity: 2 }]);
    const eventId = randomUUID();
    expect(await deliver(svc, 'payment.completed', paid(orderId), eventId)).toBe('SUCCESS');
    expect(await deliver(svc, 'payment.completed', paid(orderId), eventId)).toBe('SUCCESS');
    expect(await deliver(svc, 'payment.completed', paid(orderId))).toBe('SUCCESS');
    expect(await stockOf(svc, sku)).toMatchObject({ on_hand: 3, reserved: 0 });
    const sale = (await svc.outbox('inventory.adjusted')).filter(
      (e) => e.data.sku === sku && e.data.reason === 'SALE',
    );
    expect(sale).toHaveLength(1);
    // A paid order cannot be released; cancelling it (before dispatch) returns its units.
    const release = await svc.call('POST', `/internal/reservations/${orderId}/release`, {
      headers: internal,
    });
    expect(release.status).toBe(409);
    expect(await deliver(svc, 'order.cancelled', cancelled(orderId))).toBe('SUCCESS');
    expect(await stockOf(svc, sku)).toMatchObject({ on_hand: 5, reserved: 0 });
  });

  it("sells a batch of paid orders whose row locks cross another transaction's: the deadlock costs no sale", async () => {
    // daprd hands payment.completed over in batches, all of a batch in one transaction: the SKUs'
    // rows are locked order by order, so the batch can hold one row (D) while it waits for another
    // (B) that a reservation holding B wants D after. PostgreSQL ends one side of such a cycle; the
    // batch then runs its events again one by one.
    const [a, b, c, d] = [uniqueSku('DLA'), uniqueSku('DLB'), uniqueSku('DLC'), uniqueSku('DLD')];
    await createProduct(
      svc,
      seller,
      [a, b, c, d].map((sku) => ({ sku, stock: 5 })),
    );
    const [first, second] = [order(), order()];
    await reserve(svc, first, [
      { sku: a, quantity: 1 },
      { sku: d, quantity: 1 },
    ]);
    await reserve(svc, second, [
      { sku: b, quantity: 1 },
      { sku: c, quantity: 1 },
    ]);
    const batch = [paid(first), paid(second)].map((data) =>
      buildEvent('payment', 'test', 'payment.completed', data),
    );

    const statuses = await svc.deps.db.connection().execute(async (other) => {
      await sql`begin`.execute(other);
      await sql`update stock_items set updated_at = now() where sku = ${b}`.execute(other);
      const delivered = svc.deliverBatch('payment.completed', batch);
      // The batch has sold the first order (A, D) and waits for B, held by this transaction.
      await vi.waitFor(
        async () => {
          const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_locks w
            join pg_locks h on h.locktype = 'transactionid' and h.transactionid = w.transactionid
              and h.granted and h.pid = pg_backend_pid()
            where w.locktype = 'transactionid' and not w.granted`.execute(other);
          expect(rows[0]!.n).toBeGreaterThan(0);
        },
        { timeout: 5000, interval: 20 },
      );
      // …and this transaction now wants D: a cycle, which PostgreSQL breaks within a second.
      await sql`update stock_items set updated_at = now() where sku = ${d}`
        .execute(other)
        .catch(() => undefined);
      await sql`rollback`.execute(other);
      return (await delivered).body.statuses.map((s: { status: string }) => s.status);
    });

    expect(statuses).toEqual(['SUCCESS', 'SUCCESS']);
    for (const sku of [a, b, c, d])
      expect(await stockOf(svc, sku)).toMatchObject({ on_hand: 4, reserved: 0 });
    const sales = (await svc.outbox('inventory.adjusted')).filter(
      (e) => e.data.reason === 'SALE' && [a, b, c, d].includes(e.data.sku),
    );
    expect(sales).toHaveLength(4);
  });

  it('returns held stock when the order is cancelled before payment', async () => {
    const sku = uniqueSku();
    await createProduct(svc, seller, [{ sku, stock: 5 }]);
    const orderId = order();
    await reserve(svc, orderId, [{ sku, quantity: 5 }]);
    expect(await deliver(svc, 'order.cancelled', cancelled(orderId))).toBe('SUCCESS');
    expect(await stockOf(svc, sku)).toMatchObject({ on_hand: 5, reserved: 0, level: 'IN_STOCK' });
    expect(await deliver(svc, 'order.cancelled', cancelled(order()))).toBe('SUCCESS');
  });

  it('expires unpaid reservations and gives their units back; a late payment takes them again if it can', async () => {
    const sku = uniqueSku();
    await createProduct(svc, seller, [{ sku, stock: 4 }]);
    const [late, lapsed] = [order(), order()];
    await reserve(svc, late, [{ sku, quantity: 1 }], 10);
    await reserve(svc, lapsed, [{ sku, quantity: 3 }], 10);
    await svc.deps.db
      .updateTable('reservations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('order_id', 'in', [late, lapsed])
      .execute();
    expect(await expireDue(svc.deps.db, svc.deps.events)).toBe(2);
    expect(await expireDue(svc.deps.db, svc.deps.events)).toBe(0);
    expect(await stockOf(svc, sku)).toMatchObject({ on_hand: 4, reserved: 0 });
    const statuses = await svc.deps.db
      .selectFrom('reservations')
      .select('status')
      .where('order_id', 'in', [late, lapsed])
      .execute();
    expect(statuses.map((s) => s.status)).toEqual(['EXPIRED', 'EXPIRED']);

    expect(await deliver(svc, 'payment.completed', paid(late))).toBe('SUCCESS');
    expect(await stockOf(svc, sku)).toMatchObject({ on_hand: 3, reserved: 0 });
    // Sold out meanwhile: the late payment goes to the dead-letter topic for a person to refund.
    await reserve(svc, order(), [{ sku, quantity: 3 }]);
    expect(await deliver(svc, 'payment.completed', paid(lapsed))).toBe('DROP');
    expect(await stockOf(svc, sku)).toMatchObject({ on_hand: 3, reserved: 3 });
  });

  it('sells nothing for a payment that completes after its order was cancelled: the units stay on sale', async () => {
    const sku = uniqueSku();
    await createProduct(svc, seller, [{ sku, stock: 4 }]);
    // Cancelled while held, then paid (payment refunds that charge).
    const held = order();
    await reserve(svc, held, [{ sku, quantity: 2 }]);
    expect(await deliver(svc, 'order.cancelled', cancelled(held))).toBe('SUCCESS');
    expect(await deliver(svc, 'payment.completed', paid(held))).toBe('SUCCESS');
    expect(await stockOf(svc, sku)).toMatchObject({ on_hand: 4, reserved: 0 });
    // Lapsed, then cancelled, then paid.
    const lapsed = order();
    await reserve(svc, lapsed, [{ sku, quantity: 1 }], 10);
    await svc.deps.db
      .updateTable('reservations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('order_id', '=', lapsed)
      .execute();
    expect(await expireDue(svc.deps.db, svc.deps.events)).toBe(1);
    expect(await deliver(svc, 'order.cancelled', cancelled(lapsed))).toBe('SUCCESS');
    expect(await deliver(svc, 'payment.completed', paid(lapsed))).toBe('SUCCESS');
    expect(await stockOf(svc, sku)).toMatchObject({ on_hand: 4, reserved: 0 });
    const sales = (await svc.outbox('inventory.adjusted')).filter(
      (e) => e.data.sku === sku && e.data.reason === 'SALE',
    );
    expect(sales).toEqual([]);
  });

  it('keeps a reservation until the order is due once order.created confirms it', async () => {
    const sku = uniqueSku();
    await createProduct(svc, seller, [{ sku, stock: 4 }]);
    const orderId = order();
    await reserve(svc, orderId, [{ sku, quantity: 1 }], 10);
    const due = new Date(Date.now() + 3_600_000).toISOString();
    const status = await deliver(svc, 'order.created', {
      orderId,
      userId: newId(),
      sellerId: seller,
      items: [
        { productId: newId(), quantity: 1, price: 1000, options: {}, itemId: newId(), sku, sellerId: seller },
      ],
      totalAmount: 1000,
      shippingAddress: { recipient: '김철수', phone: '010-1234-5678', address: '서울', zipCode: '06236' },
      paymentMethod: 'card',
      sellerIds: [seller],
      discountAmount: 0,
      shippingFee: 0,
      payableAmount: 1000,
      paymentDueAt: due,
      createdAt: new Date().toISOString(),
    });
    expect(status).toBe('SUCCESS');
    const r = await svc.deps.db
      .selectFrom('reservations')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(r.confirmed).toBe(true);
    expect(r.expires_at.getTime()).toBeGreaterThanOrEqual(Date.parse(due));
  });
});
