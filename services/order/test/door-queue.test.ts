import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buyer, holdQuotes, line, orderForFile, place } from './helpers.ts';

// Two placements at once, so a test can fill the admission queue behind two held ones.
const svc = orderForFile({ ORDER_PLACEMENT_CONCURRENCY: '2' });

const tick = () => new Promise((r) => setTimeout(r, 50));

describe('sold out at the door, for buyers already waiting their turn', () => {
  it('answers queued buyers of a SKU as soon as it sells out, not when their turn comes', async () => {
    const busy = svc.catalog.product({ sellerId: randomUUID(), stock: 10 });
    const drop = svc.catalog.product({ sellerId: randomUUID(), stock: 1 });
    const other = svc.catalog.product({ sellerId: randomUUID(), stock: 10 });
    const release = holdQuotes(svc, busy.sku);
    // Both placement slots are taken (held at their quote); the next buyers wait in the queue.
    const holding = [
      place(svc, await buyer(), { items: [line(busy)] }),
      place(svc, await buyer(), { items: [line(busy)] }),
    ];
    await tick();
    let answered = 0;
    const queued = [1, 2, 3].map(async () => {
      const res = await place(svc, await buyer(), { items: [line(drop)] });
      answered++;
      return res;
    });
    const otherBuyer = place(svc, await buyer(), { items: [line(other)] });
    await tick();
    expect(answered).toBe(0);

    // The last unit goes elsewhere, and inventory refuses a placement of this SKU (another app's,
    // or one of ours): the queued buyers are answered by the door's read while the slots stay taken.
    svc.catalog.reservations.set(randomUUID(), [{ sku: drop.sku, quantity: 1 }]);
    svc.dapr.calls.length = 0;
    svc.ctx.door.refused(drop.sku, 0);
    const refusals = await Promise.all(queued);
    expect(refusals.map((r) => [r.status, r.body.code])).toEqual(Array(3).fill([409, 'OUT_OF_STOCK']));
    // Availability reads shared by the three (a read that started before a buyer's signal is not
    // theirs, so two at most), no quote, no reservation.
    const paths = svc.dapr.calls.map((c) => c.path);
    expect(paths.length).toBeLessThanOrEqual(2);
    expect(new Set(paths)).toEqual(new Set(['/internal/availability']));

    // A buyer of another SKU keeps their place and is served when the turn comes.
    release();
    expect((await Promise.all(holding)).map((r) => r.status)).toEqual([201, 201]);
    expect((await otherBuyer).status).toBe(201);
  });

  it('keeps a queued buyer waiting when the read still shows a unit for them', async () => {
    const busy = svc.catalog.product({ sellerId: randomUUID(), stock: 10 });
    const drop = svc.catalog.product({ sellerId: randomUUID(), stock: 1 });
    const release = holdQuotes(svc, busy.sku);
    const holding = [
      place(svc, await buyer(), { items: [line(busy)] }),
      place(svc, await buyer(), { items: [line(busy)] }),
    ];
    await tick();
    const queued = place(svc, await buyer(), { items: [line(drop)] });
    await tick();
    // Suspect, but the unit is still there (a reservation released meanwhile): no refusal.
    svc.ctx.door.refused(drop.sku, 0);
    await tick();
    release();
    await Promise.all(holding);
    expect((await queued).status).toBe(201);
  });
});
