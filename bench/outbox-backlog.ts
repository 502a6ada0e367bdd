/**
 * An outbox backlog on the running stack: `n` `coupon.issued` rows committed at once into coupon's
 * outbox (as a grant to every buyer writes them, or as a stack killed mid-grant leaves them), then
 * one `coupon.used` of another coupon, as an order writes it. Prints how long after its commit the
 * `coupon.used` went out and how long the backlog took to drain.
 *
 *   scripts/up.sh --detach
 *   node bench/outbox-backlog.ts [n=9500] [keys=one|each]
 *
 * `keys=one` gives the backlog one aggregate (the coupon, as coupon writes it); `each` gives every
 * row its own. The rows are real envelopes: the admin monitor and the consumers take them as any
 * others. Bounded: it gives up after ten minutes.
 */
import { randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import pg from 'pg';
import { databaseUrlOf } from '../scripts/stack/ports.ts';

const n = Number(process.argv[2] ?? 9500);
const keys = process.argv[3] ?? 'one';
const db = new pg.Client({ connectionString: databaseUrlOf('coupon') });
await db.connect();

type Row = [string, string, string, string];

/** An outbox row of `type` under `key`: the envelope as coupon builds it. */
function row(type: 'coupon.issued' | 'coupon.used', key: string, couponId: string): Row {
  const at = new Date().toISOString();
  const common = { couponId, userCouponId: randomUUID(), userId: randomUUID() };
  const event =
    type === 'coupon.issued'
      ? buildEvent('coupon', 'bench', type, { ...common, issuedAt: at })
      : buildEvent('coupon', 'bench', type, {
          ...common,
          orderId: randomUUID(),
          discountAmount: 1000,
          usedAt: at,
        });
  return [event.eventId, type, key, JSON.stringify(event)];
}

/** Inserts the rows in statements of a thousand, in the caller's transaction; answers their seqs. */
async function insert(rows: Row[]): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const values = chunk.map((_, j) => `($${j * 4 + 1}, $${j * 4 + 2}, $${j * 4 + 3}, $${j * 4 + 4})`);
    const res = await db.query<{ seq: string }>(
      `insert into coupon.outbox (event_id, topic, aggregate_key, envelope) values ${values.join(', ')} returning seq`,
      chunk.flat(),
    );
    seqs.push(...res.rows.map((r) => Number(r.seq)));
  }
  return seqs;
}

const backlogCoupon = randomUUID();
const backlog = Array.from({ length: n }, () =>
  row(
    'coupon.issued',
    keys === 'each' ? `user-coupon:${randomUUID()}` : `coupon:${backlogCoupon}`,
    backlogCoupon,
  ),
);
await db.query('begin');
const seqs = await insert(backlog);
await db.query('commit');
const usedCoupon = randomUUID();
const [other] = await insert([row('coupon.used', `coupon:${usedCoupon}`, usedCoupon)]);

const deadline = Date.now() + 10 * 60_000;
for (;;) {
  const { rows } = await db.query<{ left: string }>(
    'select count(*) as left from coupon.outbox where seq between $1 and $2 and sent_at is null',
    [seqs[0], other],
  );
  if (Number(rows[0]!.left) === 0) break;
  if (Date.now() > deadline) throw new Error(`${rows[0]!.left} rows still pending after ten minutes`);
  await new Promise((r) => setTimeout(r, 250));
}
const { rows } = await db.query<{ other_s: number; drain_s: number; batches: string }>(
  `select
     (select extract(epoch from sent_at - created_at) from coupon.outbox where seq = $2)::float8 as other_s,
     extract(epoch from max(sent_at) - min(created_at))::float8 as drain_s,
     count(distinct sent_at) as batches
   from coupon.outbox where seq between $1 and $2 - 1`,
  [seqs[0], other],
);
const r = rows[0]!;
console.log(
  `backlog: ${n} coupon.issued rows, ${keys === 'each' ? 'each its own aggregate' : 'one aggregate'}`,
);
console.log(`  the later coupon.used went out ${r.other_s.toFixed(2)} s after its commit`);
console.log(`  the backlog drained in ${r.drain_s.toFixed(2)} s (${r.batches} relay batches)`);
await db.end();
