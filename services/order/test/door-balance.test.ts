import { randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import { describe, expect, it } from 'vitest';
import { buyer, holdQuotes, line, orderForFile, paid, place } from './helpers.ts';

// Two placements at once: three buyers at the door are a crowd. Short bounds, so the tests see them.
const svc = orderForFile({
  ORDER_PLACEMENT_CONCURRENCY: '2',
  ORDER_CROWD_HOLD_MS: '400',
  ORDER_CROWD_SETTLE_MS: '250',
  ORDER_SAGA_LAG_TARGET_MS: '500',
  ORDER_SAGA_LAG_WAIT_MS: '300',
});

/** What order's relay publishes from now on. */
function published(): { topic: string; id: string }[] {
  const sent: { topic: string; id: string }[] = [];
  svc.dapr.publishBulk = async (_pubsub, topic, entries) => {
    for (const e of entries)
      sent.push({ topic, id: (e.event as { data: { orderId: string } }).data.orderId });
    return new Map();
  };
  return sent;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The saga's next event for `order`, reaching order 10 s after it was written: the sagas are behind. */
function late(order: { id: string; payableAmount: number }) {
  const e = buildEvent('payment', 'test', 'payment.completed', paid(order.id, order.payableAmount));
  e.timestamp = new Date(Date.now() - 10_000).toISOString();
  return e;
}

describe('the door goes first in a burst, the sagas are never starved', () => {
  it('counts every buyer at the door until answered: more than it places at once are a crowd', async () => {
    const p = svc.catalog.product({ sellerId: randomUUID(), stock: 10 });
    const release = holdQuotes(svc, p.sku);
    const placing = [1, 2, 3].map(async () => place(svc, await buyer(), { items: [line(p)] }));
    for (let i = 0; i < 40 && svc.ctx.crowd.size < 3; i++) await sleep(25);
    expect(svc.ctx.crowd.size).toBe(3);
    expect(svc.ctx.crowd.crowded).toBe(true);
    release();
    expect((await Promise.all(placing)).map((r) => r.status)).toEqual([201, 201, 201]);
    expect(svc.ctx.crowd.size).toBe(0);
    await sleep(300);
    expect(svc.ctx.crowd.crowded).toBe(false);
  });

  it('holds back order.created while buyers crowd the door, and lets it go when they are answered', async () => {
    const sent = published();
    const p = svc.catalog.product({ sellerId: randomUUID(), stock: 10 });
    const crowd = [svc.ctx.crowd.enter(), svc.ctx.crowd.enter(), svc.ctx.crowd.enter()];
    const res = await place(svc, await buyer(), { items: [line(p)] });
    expect(res.status).toBe(201);
    await svc.relay.drain();
    expect(sent.filter((s) => s.id === res.body.id)).toEqual([]);
    for (const leave of crowd) leave();
    await sleep(300); // the crowd settles 250 ms after it thinned out
    expect(svc.ctx.crowd.crowded).toBe(false);
    await svc.relay.drain();
    expect(sent.filter((s) => s.id === res.body.id)).toEqual([{ topic: 'order.created', id: res.body.id }]);
  });

  it('lets order.created go after ORDER_CROWD_HOLD_MS even if the crowd never leaves', async () => {
    const sent = published();
    const p = svc.catalog.product({ sellerId: randomUUID(), stock: 10 });
    const crowd = [svc.ctx.crowd.enter(), svc.ctx.crowd.enter(), svc.ctx.crowd.enter()];
    const res = await place(svc, await buyer(), { items: [line(p)] });
    await svc.relay.drain();
    expect(sent.filter((s) => s.id === res.body.id)).toEqual([]);
    await sleep(450);
    expect(svc.ctx.crowd.crowded).toBe(true);
    await svc.relay.drain();
    expect(sent.filter((s) => s.id === res.body.id)).toEqual([{ topic: 'order.created', id: res.body.id }]);
    for (const leave of crowd) leave();
  });

  it("paces placements while order's consumers see the sagas' events late, and places every one within its bound", async () => {
    const p = svc.catalog.product({ sellerId: randomUUID(), stock: 20 });
    const first = await place(svc, await buyer(), { items: [line(p)] });
    await svc.deliver(late(first.body));
    expect(svc.ctx.lag.ms).toBeGreaterThan(9_000);

    const buyers = await Promise.all(Array.from({ length: 6 }, () => buyer()));
    // Two at a time, as many as it places at once: a steady stream, not a crowd (a crowd's burst
    // goes unpaced while its sagas are held back: the next test).
    const start = Date.now();
    const answers = [];
    for (let i = 0; i < buyers.length; i += 2)
      answers.push(
        ...(await Promise.all(buyers.slice(i, i + 2).map((b) => place(svc, b, { items: [line(p)] })))),
      );
    const took = Date.now() - start;
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(svc.ctx.pacer.gap).toBeGreaterThan(0);
    // One at a time, 50 ms apart: the sixth waited its 250 ms (within the 300 ms bound).
    expect(took).toBeGreaterThanOrEqual(240);
  });

  it("does not pace a crowd's placements while its order.created are held back, and paces again after the hold's bound", async () => {
    const p = svc.catalog.product({ sellerId: randomUUID(), stock: 20 });
    const first = await place(svc, await buyer(), { items: [line(p)] });
    await svc.deliver(late(first.body));
    expect(svc.ctx.lag.ms).toBeGreaterThan(9_000);
    await sleep(300); // the last test's crowd settles: this one forms anew
    expect(svc.ctx.crowd.crowded).toBe(false);
    const crowd = [svc.ctx.crowd.enter(), svc.ctx.crowd.enter(), svc.ctx.crowd.enter()];
    try {
      // A flash sale's burst: its sagas are held back, so its buyers take their turns at once.
      expect(await Promise.all([svc.ctx.pacer.turn(), svc.ctx.pacer.turn(), svc.ctx.pacer.turn()])).toEqual([
        0, 0, 0,
      ]);
      expect((await place(svc, await buyer(), { items: [line(p)] })).status).toBe(201);
      // The crowd outlasts ORDER_CROWD_HOLD_MS (400 ms): its sagas go, and the pace is back.
      await sleep(450);
      await svc.deliver(late(first.body));
      const waited = await Promise.all([svc.ctx.pacer.turn(), svc.ctx.pacer.turn()]);
      expect(Math.max(...waited)).toBeGreaterThan(0);
    } finally {
      for (const leave of crowd) leave();
    }
  });
});
