/**
 * The fault campaign (`scripts/test.sh chaos`): orders flow through the running local stack — the
 * sandbox PG paying and the sandbox carrier advancing by themselves, coupons in some orders, a few
 * cancels, dispatches and returns (pickup by the carrier sandbox, the seller's inspection, then the
 * refund) — while apps and sidecars are killed with SIGKILL (the runner's
 * supervisor restarts them), the broker is stopped for 30 s, PostgreSQL is restarted and every event
 * is published twice for a while. Then everything settles and the invariants of invariants.ts are
 * checked across services. Prints a table; exits 1 on any violation.
 *   CHAOS_SECONDS (150) how long orders flow; CHAOS_KILLS (20); CHAOS_WORKERS (6); CHAOS_BUYERS (40,
 *   fewer on a loaded machine, where each sign-in hashes a password on busy cores);
 *   CHAOS_RESTART_POSTGRES=0 leaves PostgreSQL alone (it is shared with other stacks on the machine).
 */
import { randomUUID } from 'node:crypto';
import {
  address,
  adminToken,
  call,
  buyers as makeBuyers,
  type Party,
  product,
  verifiedSeller,
} from '../../bench/lib/market.ts';
import {
  apps,
  type Fault,
  infra,
  kill9,
  pools,
  republishRecent,
  restartPostgres,
  sidecars,
  waitUp,
} from './faults.ts';
import { checkInvariants } from './invariants.ts';

const seconds = Number(process.env.CHAOS_SECONDS ?? 150);
const killCount = Number(process.env.CHAOS_KILLS ?? 20);
const workers = Number(process.env.CHAOS_WORKERS ?? 6);
const buyerCount = Number(process.env.CHAOS_BUYERS ?? 40);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const say = (msg: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${msg}`);
const db = pools();
const faults: Fault[] = [];
const fault = (kind: string, target: string) => {
  faults.push({ at: new Date().toISOString(), kind, target });
  say(`fault: ${kind} ${target}`);
};

// The market: one seller, three products, a coupon half the buyers hold.
const since = new Date();
const admin = await adminToken();
const seller = await verifiedSeller(admin);
const products = await Promise.all(
  ['카오스 운동화', '카오스 티셔츠', '카오스 모자'].map((name, i) =>
    product(admin, seller, { name, price: 20_000 + i * 7_000, stock: 5_000 }),
  ),
);
const initialStock = new Map(products.map((p) => [p.sku, 5_000]));
const coupon = await call('POST', '/api/v1/coupons', {
  token: admin,
  body: {
    name: '카오스 3천원',
    type: 'FIXED',
    value: 3000,
    minOrderAmount: 10_000,
    totalQuantity: 1000,
    validFrom: new Date(Date.now() - 60_000).toISOString(),
    validUntil: new Date(Date.now() + 86_400_000).toISOString(),
  },
});
if (coupon.status !== 201) throw new Error(`coupon: ${coupon.status} ${JSON.stringify(coupon.body)}`);
const couponId = coupon.body.id as string;
const buyers = await makeBuyers(buyerCount);
const holders = new Set<Party>();
for (const b of buyers.slice(0, buyerCount / 2))
  if ((await call('POST', `/api/v1/coupons/${couponId}/issue`, { token: b.token })).status === 201)
    holders.add(b);

const placed = new Map<string, Party>();
const answers: Record<string, number> = {};

// Headless payments must be on: the saga runs by itself.
const probe = await placeOne(buyers[buyerCount - 1]!, false);
if (!probe || !(await reaches(probe.id, buyers[buyerCount - 1]!, ['PREPARING'], 30_000))) {
  console.error(
    'orders do not pay themselves: run through scripts/test.sh chaos (it starts the stack headless)',
  );
  process.exit(1);
}
placed.set(probe.id, buyers[buyerCount - 1]!);

async function placeOne(who: Party, withCoupon: boolean) {
  const items = [pick(products), pick(products)]
    .filter((p, i, all) => all.findIndex((x) => x.sku === p.sku) === i)
    .map((p) => ({ productId: p.productId, sku: p.sku, quantity: 1 + Math.floor(Math.random() * 2) }));
  const res = await call('POST', '/api/v1/orders', {
    token: who.token,
    headers: { 'idempotency-key': randomUUID() },
    body: { items, shippingAddress: address, paymentMethod: 'card', ...(withCoupon ? { couponId } : {}) },
  }).catch(() => ({ status: 0, body: undefined }));
  answers[res.status] = (answers[res.status] ?? 0) + 1;
  return res.status === 201 ? (res.body as { id: string }) : undefined;
}

async function reaches(id: string, who: Party, statuses: string[], timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const o = await call('GET', `/api/v1/orders/${id}`, { token: who.token }).catch(() => undefined);
    if (o && statuses.includes(o.body?.status)) return true;
    await sleep(500);
  }
  return false;
}

let flowing = true;
/** The seller keeps inspecting returned parcels until everything has settled. */
let inspecting = true;
const actions = { cancels: 0, dispatches: 0, refunds: 0, inspections: 0, damaged: 0 };
/** Orders whose parcel was dispatched (candidates for a return once delivered), and those with a return asked. */
const dispatched = new Set<string>();
const returning = new Set<string>();

async function buyerLoop() {
  while (flowing) {
    const who = pick(buyers);
    const order = await placeOne(who, holders.has(who) && Math.random() < 0.5);
    if (!order) {
      await sleep(200);
      continue;
    }
    placed.set(order.id, who);
    if (Math.random() < 0.08) {
      await sleep(Math.random() * 2000);
      const r = await call('POST', `/api/v1/orders/${order.id}/cancel`, {
        token: who.token,
        body: { reason: '마음이 바뀌었어요' },
      }).catch(() => undefined);
      if (r?.status === 200) actions.cancels++;
    }
  }
}

let invoice = 700_000_000_000 + (Date.now() % 1_000_000) * 100;
const orderOf = (id: string) =>
  call('GET', `/api/v1/orders/${id}`, { token: placed.get(id)!.token })
    .then((o) => (o.status === 200 ? o.body : undefined))
    .catch(() => undefined);

/**
 * The seller dispatches some of what is ready; buyers return some delivered orders (반품: all of it
 * or one unit of one line, a change of mind or the seller's fault). The carrier sandbox collects the
 * parcel by itself; the seller's inspection is inspectLoop's.
 */
async function sellerLoop() {
  while (flowing) {
    await sleep(3000);
    for (const id of [...[...placed.keys()].slice(-60), ...dispatched]) {
      if (!flowing) break;
      if (returning.has(id)) continue;
      const o = await orderOf(id);
      if (o?.status === 'PREPARING' && !dispatched.has(id) && Math.random() < 0.3) {
        const s = await call('GET', `/api/v1/shipments?orderId=${id}`, { token: seller.token }).catch(
          () => undefined,
        );
        const shipment = s?.body?.items?.[0];
        if (shipment?.status !== 'REQUESTED') continue;
        const sent = await call('POST', `/api/v1/shipments/${shipment.id}/dispatch`, {
          token: seller.token,
          body: { carrier: 'CJ', trackingNumber: String(invoice++) },
        }).catch(() => undefined);
        if (sent?.status === 200) {
          actions.dispatches++;
          dispatched.add(id);
        }
      } else if (o?.status === 'DELIVERED' && Math.random() < 0.4) {
        returning.add(id);
        const line = pick(o.items as { id: string; quantity: number }[]);
        const r = await call('POST', `/api/v1/orders/${id}/refund-requests`, {
          token: placed.get(id)!.token,
          body: {
            reason: '사이즈가 맞지 않아요',
            returnReason: Math.random() < 0.7 ? 'CHANGE_OF_MIND' : 'SELLER_FAULT',
            ...(Math.random() < 0.3 ? { items: [{ itemId: line.id, quantity: 1 }] } : {}),
          },
        }).catch(() => undefined);
        if (r?.status === 201) actions.refunds++;
      } else if (o && o.status !== 'PREPARING' && o.status !== 'SHIPPING' && o.status !== 'DELIVERED')
        dispatched.delete(id);
    }
  }
}

/** 검수: once a returned parcel is back with the seller, the seller accepts it; now and then a line is found damaged (written off, not restocked). */
async function inspectLoop() {
  while (inspecting) {
    await sleep(2000);
    for (const id of returning) {
      if (!inspecting) break;
      const o = await orderOf(id);
      for (const r of (o?.refundRequests ?? []) as {
        id: string;
        status: string;
        items: { itemId: string }[];
      }[]) {
        if (r.status !== 'RECEIVED') continue;
        const lines = r.items.map((l) => ({
          itemId: l.itemId,
          condition: Math.random() < 0.2 ? ('DAMAGED' as const) : ('RESELLABLE' as const),
        }));
        const res = await call('POST', `/api/v1/orders/${id}/refund-requests/${r.id}/inspection`, {
          token: seller.token,
          body: { result: 'ACCEPTED', lines },
        }).catch(() => undefined);
        if (res?.status === 200) {
          actions.inspections++;
          actions.damaged += lines.filter((l) => l.condition === 'DAMAGED').length;
        }
      }
    }
  }
}

/** The fault schedule, spread over the run. */
async function faultLoop() {
  const start = Date.now();
  const span = (seconds - 30) * 1000;
  const plan: { at: number; run: () => Promise<void> | void }[] = [];
  const mustKill = ['payment', 'order', 'inventory', 'coupon', 'shipping'];
  const targets = [
    ...mustKill,
    ...Array.from({ length: killCount - mustKill.length }, () => pick([...apps, ...sidecars])),
  ];
  for (const [i, t] of targets.entries())
    plan.push({
      at: 10_000 + (span * (i + Math.random() * 0.8)) / targets.length,
      run: () => {
        if (kill9(t)) fault('kill -9', t);
      },
    });
  plan.push({
    at: span * 0.35,
    run: async () => {
      // The aws profile's broker is the AWS emulator, which keeps its queues in memory only.
      const broker = ({ redis: 'redis', rabbitmq: 'rabbitmq' } as Record<string, string>)[
        process.env.MP_PROFILE ?? 'redis'
      ];
      if (!broker) return;
      fault('broker stopped for 30 s', broker);
      infra(`stop_${broker}`);
      await sleep(30_000);
      infra(`start_${broker}`);
      fault('broker started', broker);
    },
  });
  if (process.env.CHAOS_RESTART_POSTGRES !== '0')
    plan.push({
      at: span * 0.75,
      run: () => {
        fault('restart', 'postgresql');
        restartPostgres();
      },
    });
  for (let k = 0; k < 6; k++)
    plan.push({
      at: span * 0.15 + k * 5000,
      run: async () => {
        const n = await republishRecent(db, 6).catch(() => 0);
        fault(`every event published twice (${n} rows)`, 'outboxes');
      },
    });
  plan.sort((a, b) => a.at - b.at);
  const running: Promise<unknown>[] = [];
  for (const step of plan) {
    await sleep(Math.max(0, start + step.at - Date.now()));
    running.push(Promise.resolve(step.run()).catch((e) => say(`fault failed: ${e}`)));
  }
  await Promise.all(running);
}

say(
  `orders flow for ${seconds} s with ${workers} buyers at once; ${killCount} kills, broker stop, PostgreSQL restart, duplicates`,
);
const loops = [...Array.from({ length: workers }, buyerLoop), sellerLoop()];
const inspector = inspectLoop();
await faultLoop();
await sleep(Math.max(0, since.getTime() + seconds * 1000 - Date.now()));
flowing = false;
await Promise.all(loops);

// Settle: every process back, every outbox empty, no order still on its way to being paid.
say('settling');
for (const name of [...apps, ...sidecars]) await waitUp(name);
const ids = [...placed.keys()];
const end = Date.now() + 300_000;
while (Date.now() < end) {
  const pending = await db
    .get('order')!
    .query<{ n: number }>(
      `select count(*)::int as n from orders where id = any($1) and status in ('PENDING_PAYMENT','PAID','REFUND_REQUESTED')`,
      [ids],
    )
    .then((r) => r.rows[0]!.n)
    .catch(() => -1);
  const returns = await db
    .get('order')!
    .query<{ n: number }>(
      `select count(*)::int as n from refund_requests where order_id = any($1) and status in ('REQUESTED','RECEIVED','ACCEPTED')`,
      [ids],
    )
    .then((r) => r.rows[0]!.n)
    .catch(() => -1);
  let unsent = 0;
  for (const [, pool] of db)
    unsent += await pool
      .query<{ n: number }>('select count(*)::int as n from outbox where sent_at is null')
      .then((r) => r.rows[0]!.n)
      .catch(() => 1);
  if (pending === 0 && returns === 0 && unsent === 0) break;
  say(`waiting: ${pending} orders on their way, ${returns} returns open, ${unsent} events unsent`);
  await sleep(5000);
}
inspecting = false;
await inspector;
await sleep(5000); // the last deliveries of the last events

// The outboxes are empty, but consumers may still be working through redeliveries (Dapr backs
// off after a sidecar or the broker came back): the checks are taken again every 10 s, for up to
// CHAOS_CONVERGE seconds (120), until they hold. What never converges is a violation.
const converge = Date.now() + Number(process.env.CHAOS_CONVERGE ?? 120) * 1000;
let checks = await checkInvariants(db, campaign());
while (checks.some((c) => c.violations.length) && Date.now() < converge) {
  say(`waiting for consumers: ${checks.reduce((n, c) => n + c.violations.length, 0)} violations so far`);
  await sleep(10_000);
  checks = await checkInvariants(db, campaign());
}
function campaign() {
  return {
    orderIds: ids,
    initialStock,
    couponId,
    since,
    sellerId: seller.id,
  };
}
const violations = checks.reduce((n, c) => n + c.violations.length, 0);
console.log(`
fault campaign: ${seconds} s of orders
  faults injected      ${faults.length}: ${[...new Set(faults.map((f) => f.kind.replace(/ \(.*\)$/, '')))].map((k) => `${faults.filter((f) => f.kind.startsWith(k)).length} × ${k}`).join(', ')}
  orders placed        ${ids.length} answered 201 (all answers: ${JSON.stringify(answers)})
  buyer/seller actions ${actions.cancels} cancels, ${actions.dispatches} dispatches, ${actions.refunds} returns asked, ${actions.inspections} inspected and accepted (${actions.damaged} lines found damaged)
  invariants           ${checks.length} checked over ${checks.reduce((n, c) => n + c.checked, 0)} items
  violations           ${violations}
`);
for (const c of checks)
  console.log(
    `  ${c.violations.length ? '✗' : '✓'} ${c.name} (${c.checked})${c.violations.length ? `\n      ${c.violations.slice(0, 10).join('\n      ')}` : ''}`,
  );
for (const [, pool] of db) await pool.end();
process.exit(violations === 0 ? 0 : 1);
