import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sweepAbandonedCheckouts } from '../src/domain/sweeper.ts';
import { address, buyer, eventsFor, line, orderForFile, twoSellers } from './helpers.ts';

const svc = orderForFile();

/** Runs a placement in a child process and SIGKILLs it at `stopAt`; the child's reservation is also the parent's (one inventory). */
function placeAndKill(args: {
  stopAt: 'reserved' | 'committed';
  userId: string;
  body: Record<string, unknown>;
  key: string;
  products: unknown[];
}) {
  return new Promise<{ step: string; data: unknown }>((resolve, reject) => {
    const child = fork(
      new URL('./fixtures/crash-child.ts', import.meta.url).pathname,
      [JSON.stringify({ ...args, schema: svc.schema })],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    let seen: { step: string; data: unknown } | undefined;
    child.on('message', (m: { step: string; data: unknown }) => {
      if (m.step === 'answered')
        return reject(new Error(`the child answered before ${args.stopAt}: ${JSON.stringify(m.data)}`));
      seen = m;
      child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) =>
      seen && signal === 'SIGKILL' ? resolve(seen) : reject(new Error(`child exited (${signal})`)),
    );
  });
}

describe('a placement killed between its steps', () => {
  it('leaves nothing reserved once the sweeper finds the placement that never committed', async () => {
    const who = await buyer();
    const { shoe, tee } = twoSellers(svc);
    const body = { items: [line(shoe), line(tee, 2)], shippingAddress: address, paymentMethod: 'card' };
    const killed = await placeAndKill({
      stopAt: 'reserved',
      userId: who.userId,
      body,
      key: randomUUID(),
      products: [shoe, tee],
    });
    // The reservation the child made is held by the one inventory.
    const reservation = killed.data as { orderId: string; items: { sku: string; quantity: number }[] };
    svc.catalog.reservations.set(reservation.orderId, reservation.items);
    expect(svc.catalog.reserved(tee.sku)).toBe(2);

    const left = await svc.deps.db
      .selectFrom('checkout_attempts')
      .selectAll()
      .where('user_id', '=', who.userId)
      .execute();
    expect(left.map((a) => a.order_id)).toEqual([reservation.orderId]);
    expect(
      await svc.deps.db.selectFrom('orders').select('id').where('user_id', '=', who.userId).execute(),
    ).toEqual([]);

    // Not yet stale: a placement in flight is left alone.
    expect(await sweepAbandonedCheckouts(svc.ctx)).toBe(0);
    await svc.deps.db
      .updateTable('checkout_attempts')
      .set({ created_at: new Date(Date.now() - 120_000) })
      .where('user_id', '=', who.userId)
      .execute();
    expect(await sweepAbandonedCheckouts(svc.ctx)).toBe(1);
    expect(svc.catalog.released).toContain(reservation.orderId);
    expect(svc.catalog.reserved(shoe.sku) + svc.catalog.reserved(tee.sku)).toBe(0);
    expect(
      await svc.deps.db
        .selectFrom('checkout_attempts')
        .selectAll()
        .where('user_id', '=', who.userId)
        .execute(),
    ).toEqual([]);
    expect(await eventsFor(svc, 'order.created', reservation.orderId)).toEqual([]);
  });

  it('makes a retry with the same Idempotency-Key find the order committed just before the crash', async () => {
    const who = await buyer();
    const { shoe } = twoSellers(svc);
    const key = randomUUID();
    const body = { fromCart: true, shippingAddress: address, paymentMethod: 'card' };
    await placeAndKill({ stopAt: 'committed', userId: who.userId, body, key, products: [shoe] });
    const [committed] = await svc.deps.db
      .selectFrom('orders')
      .selectAll()
      .where('user_id', '=', who.userId)
      .execute();
    expect(committed?.idempotency_key).toBe(key);

    // The answer was never stored; the key's claim outlives the crash, then can be taken over.
    const again = () =>
      svc.call('POST', '/api/v1/orders', { token: who.token, body, headers: { 'idempotency-key': key } });
    const busy = await again();
    expect([busy.status, busy.body.code]).toEqual([409, 'IDEMPOTENCY_IN_PROGRESS']);
    await svc.deps.db
      .updateTable('idempotency_keys')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('key', '=', key)
      .execute();
    const retry = await again();
    expect([retry.status, retry.body.id]).toEqual([201, committed!.id]);
    expect(
      await svc.deps.db.selectFrom('orders').select('id').where('user_id', '=', who.userId).execute(),
    ).toHaveLength(1);
    expect(await eventsFor(svc, 'order.created', committed!.id)).toHaveLength(1);
  });
});
