/**
 * What must hold across services once a fault campaign has settled, read from each service's own
 * tables (read-only): the orders answered 201, their payments and the PG's charges, stock, coupons,
 * outboxes, dead letters, and the counts stats and settlement keep of the same orders.
 */
import type { ServiceName } from '@mp/contracts';
import pg from 'pg';

const { types } = pg;

export interface Check {
  name: string;
  checked: number;
  violations: string[];
}

const SOLD = [
  'PAID',
  'PREPARING',
  'SHIPPING',
  'DELIVERED',
  'COMPLETED',
  'REFUND_REQUESTED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
];
const LIVE = [
  'PAID',
  'PREPARING',
  'SHIPPING',
  'DELIVERED',
  'COMPLETED',
  'REFUND_REQUESTED',
  'PARTIALLY_REFUNDED',
];

export interface Campaign {
  orderIds: string[];
  /** SKU → units on hand before the campaign. */
  initialStock: Map<string, number>;
  couponId: string;
  since: Date;
}

export async function checkInvariants(db: Map<ServiceName, pg.Pool>, c: Campaign): Promise<Check[]> {
  // bigint columns (money, counts) come back from pg as strings unless parsed.
  types.setTypeParser(20, (v) => Number.parseInt(v, 10));
  const q = async <T extends pg.QueryResultRow>(s: ServiceName, text: string, values: unknown[] = []) =>
    (await db.get(s)!.query<T>(text, values)).rows;
  const ids = c.orderIds;
  const orders = await q<{
    id: string;
    status: string;
    payable_amount: number;
    refunded_amount: number;
    user_coupon_id: string | null;
    paid_at: Date | null;
  }>(
    'order',
    'select id, status, payable_amount, refunded_amount, user_coupon_id, paid_at from orders where id = any($1)',
    [ids],
  );
  const byId = new Map(orders.map((o) => [o.id, o]));
  const checks: Check[] = [];
  const check = (name: string) => {
    const c: Check = { name, checked: 0, violations: [] };
    checks.push(c);
    return c;
  };

  // 1. Every order answered 201 exists and ends in a settled status.
  const settled = check('every 201 order exists and is settled (not left PENDING_PAYMENT)');
  for (const id of ids) {
    settled.checked++;
    const o = byId.get(id);
    if (!o) settled.violations.push(`${id}: answered 201 but not in orders`);
    else if (o.status === 'PENDING_PAYMENT') settled.violations.push(`${id}: still PENDING_PAYMENT`);
  }

  // 2. Payments and the PG: one charge per paid order, refunds never above it, statuses agree.
  const payments = new Map(
    (
      await q<{ order_id: string; status: string; amount: number; refunded_amount: number }>(
        'payment',
        'select order_id, status, amount, refunded_amount from payments where order_id = any($1)',
        [ids],
      )
    ).map((p) => [p.order_id, p]),
  );
  const charges = await q<{ order_id: string; amount: number; balance_amount: number }>(
    'payment',
    'select order_id, amount, balance_amount from pg_sandbox_payments where order_id = any($1) and approved_at is not null',
    [ids],
  );
  const chargesOf = new Map<string, { amount: number; balance_amount: number }[]>();
  for (const ch of charges) chargesOf.set(ch.order_id, [...(chargesOf.get(ch.order_id) ?? []), ch]);
  const money = check('one PG charge per paid order; refunds never above it; payment agrees with order');
  for (const o of orders) {
    money.checked++;
    const list = chargesOf.get(o.id) ?? [];
    const p = payments.get(o.id);
    const wasPaid = o.paid_at !== null;
    if (list.length > 1) money.violations.push(`${o.id}: ${list.length} PG charges`);
    if (wasPaid && list.length !== 1) money.violations.push(`${o.id}: paid but ${list.length} PG charges`);
    for (const ch of list) {
      if (ch.balance_amount < 0 || ch.balance_amount > ch.amount)
        money.violations.push(`${o.id}: PG balance ${ch.balance_amount} of ${ch.amount}`);
      if (ch.amount !== o.payable_amount)
        money.violations.push(`${o.id}: charged ${ch.amount}, payable ${o.payable_amount}`);
    }
    const balance = list.reduce((s, ch) => s + ch.balance_amount, 0);
    if (LIVE.includes(o.status)) {
      if (!p || !['DONE', 'PARTIALLY_REFUNDED'].includes(p.status))
        money.violations.push(`${o.id}: order ${o.status}, payment ${p?.status ?? 'missing'}`);
      if (balance !== o.payable_amount - o.refunded_amount)
        money.violations.push(
          `${o.id}: PG keeps ${balance}, order says ${o.payable_amount - o.refunded_amount}`,
        );
    }
    if (['CANCELLED', 'PAYMENT_FAILED', 'REFUNDED'].includes(o.status) && balance !== 0)
      money.violations.push(`${o.id}: ${o.status} but the PG still holds ${balance}`);
    if (p && p.refunded_amount > p.amount)
      money.violations.push(`${o.id}: refunded ${p.refunded_amount} of ${p.amount}`);
  }

  // 3. Stock: on hand = initial − sold (+ returned), nothing reserved for a settled order.
  const items = await q<{ order_id: string; sku: string; quantity: number }>(
    'order',
    'select order_id, sku, quantity from order_items where order_id = any($1)',
    [ids],
  );
  const sold = new Map<string, number>();
  for (const it of items)
    if (SOLD.includes(byId.get(it.order_id)?.status ?? ''))
      sold.set(it.sku, (sold.get(it.sku) ?? 0) + it.quantity);
  const skus = [...c.initialStock.keys()];
  const stock = await q<{ sku: string; on_hand: number; reserved: number }>(
    'inventory',
    'select sku, on_hand, reserved from stock_items where sku = any($1)',
    [skus],
  );
  const stockCheck = check('stock on hand = initial − sold; nothing reserved once settled');
  for (const s of stock) {
    stockCheck.checked++;
    const expected = c.initialStock.get(s.sku)! - (sold.get(s.sku) ?? 0);
    if (s.on_hand !== expected)
      stockCheck.violations.push(`${s.sku}: on hand ${s.on_hand}, expected ${expected}`);
    if (s.reserved !== 0) stockCheck.violations.push(`${s.sku}: ${s.reserved} still reserved`);
  }
  const held = await q<{ order_id: string }>(
    'inventory',
    `select order_id from reservations where order_id = any($1) and status = 'RESERVED'`,
    [ids],
  );
  for (const h of held)
    stockCheck.violations.push(`${h.order_id}: reservation still RESERVED (${byId.get(h.order_id)?.status})`);

  // 4. Coupons: each issued coupon used by at most one live order, and marked so.
  const couponCheck = check('each coupon used at most once, by the order that holds it');
  const userCoupons = await q<{ id: string; status: string; order_id: string | null }>(
    'coupon',
    'select id, status, order_id from user_coupons where coupon_id = $1',
    [c.couponId],
  );
  const holders = new Map<string, string[]>();
  for (const o of orders)
    if (o.user_coupon_id && o.status !== 'CANCELLED' && o.status !== 'PAYMENT_FAILED')
      holders.set(o.user_coupon_id, [...(holders.get(o.user_coupon_id) ?? []), o.id]);
  for (const uc of userCoupons) {
    couponCheck.checked++;
    const by = holders.get(uc.id) ?? [];
    if (by.length > 1) couponCheck.violations.push(`${uc.id}: used by ${by.length} orders`);
    if (by.length === 1 && (uc.status !== 'USED' || uc.order_id !== by[0]))
      couponCheck.violations.push(`${uc.id}: used by ${by[0]} but ${uc.status} (${uc.order_id})`);
    if (by.length === 0 && uc.status === 'USED')
      couponCheck.violations.push(
        `${uc.id}: USED by ${uc.order_id} (${byId.get(uc.order_id ?? '')?.status ?? 'not a live order'})`,
      );
  }

  // 5. Every outbox drained.
  const outbox = check('every outbox drained');
  for (const [service] of db) {
    outbox.checked++;
    const [row] = await q<{ n: number }>(
      service,
      'select count(*)::int as n from outbox where sent_at is null',
    );
    if (row!.n > 0) outbox.violations.push(`${service}: ${row!.n} events not sent`);
  }

  // 6. Nothing in the dead-letter topic since the campaign began.
  const dead = check('no dead letters during the campaign');
  const letters = await q<{ event_type: string | null; topic: string; n: number }>(
    'admin',
    'select event_type, topic, count(*)::int as n from event_log where dead_letter and received_at >= $1 group by 1, 2',
    [c.since],
  );
  dead.checked++;
  for (const l of letters) dead.violations.push(`${l.n} × ${l.event_type ?? l.topic}`);

  // 7. Stats and settlement count the same orders.
  const counts = check('stats and settlement count every paid order once, with its amount');
  const statOrders = new Map(
    (
      await q<{ order_id: string; paid_counted: boolean; paid_amount: number | null }>(
        'stats',
        'select order_id, paid_counted, paid_amount from orders where order_id = any($1)',
        [ids],
      )
    ).map((r) => [r.order_id, r]),
  );
  const settledOrders = new Map(
    (
      await q<{ order_id: string; paid_amount: number | null }>(
        'settlement',
        'select order_id, paid_amount from orders where order_id = any($1)',
        [ids],
      )
    ).map((r) => [r.order_id, r]),
  );
  for (const o of orders) {
    if (!o.paid_at) continue;
    counts.checked++;
    const st = statOrders.get(o.id);
    if (!st?.paid_counted || st.paid_amount !== o.payable_amount)
      counts.violations.push(`${o.id}: stats ${JSON.stringify(st ?? null)}, paid ${o.payable_amount}`);
    const se = settledOrders.get(o.id);
    if (se?.paid_amount !== o.payable_amount)
      counts.violations.push(
        `${o.id}: settlement paid ${se?.paid_amount ?? 'missing'}, paid ${o.payable_amount}`,
      );
  }
  return checks;
}
