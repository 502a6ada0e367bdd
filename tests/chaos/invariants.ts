/**
 * What must hold across services once a fault campaign has settled, read from each service's own
 * tables (read-only): the orders answered 201, their payments and the PG's charges, returns and
 * their refunds, stock (restocked per inspection), coupons, outboxes, dead letters, and the lines
 * and counters settlement and stats keep of the same orders.
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
  /** The campaign's own seller: stats' and settlement's figures of that seller are the campaign's orders only. */
  sellerId: string;
}

interface ReturnRow {
  id: string;
  order_id: string;
  status: string;
  amount: number;
  return_reason: string;
  return_shipping_fee: number;
  refund_amount: number | null;
  refund_id: string | null;
  items: { itemId: string; sellerId: string; quantity: number; amount: number }[];
  inspection: { lines: { itemId: string; quantity: number; condition: string }[] } | null;
}

/** ORDER_RETURN_SHIPPING_FEE's default: what a change of mind costs the buyer. */
const RETURN_FEE = 3_000;

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
    cancelled_at: Date | null;
  }>(
    'order',
    'select id, status, payable_amount, refunded_amount, user_coupon_id, paid_at, cancelled_at from orders where id = any($1)',
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
  const returns = await q<ReturnRow>(
    'order',
    'select id, order_id, status, amount, return_reason, return_shipping_fee, refund_amount, refund_id, items, inspection from refund_requests where order_id = any($1)',
    [ids],
  );
  const completedOf = new Map<string, ReturnRow[]>();
  for (const r of returns)
    if (r.status === 'COMPLETED') completedOf.set(r.order_id, [...(completedOf.get(r.order_id) ?? []), r]);
  // Every refund the order took in (its history's REFUND_COMPLETED): an accepted return's, or a
  // cancellation's (a paid order cancelled, or a payment that completed after its order was
  // cancelled: everything the order held goes back and the order is REFUNDED).
  const refundEvents = await q<{
    order_id: string;
    refund_id: string;
    amount: number;
    request_id: string | null;
  }>(
    'order',
    `select order_id, data->>'refundId' as refund_id, (data->>'amount')::bigint as amount,
            data->>'refundRequestId' as request_id
       from order_events where type = 'REFUND_COMPLETED' and order_id = any($1)`,
    [ids],
  );
  const refundsOf = new Map<string, typeof refundEvents>();
  for (const e of refundEvents) refundsOf.set(e.order_id, [...(refundsOf.get(e.order_id) ?? []), e]);
  const money = check(
    'one PG charge per paid order; refunds never above it, the return fee kept; payment agrees with order',
  );
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
    // The order's refunds: each once, an accepted return's for what its inspection said (the lines
    // less the fee kept), all of them adding up to what the order and payment say was refunded.
    const done = completedOf.get(o.id) ?? [];
    const feesKept = done.reduce((s, r) => s + r.return_shipping_fee, 0);
    const took = refundsOf.get(o.id) ?? [];
    if (new Set(took.map((e) => e.refund_id)).size !== took.length)
      money.violations.push(`${o.id}: a refund taken in twice (${took.map((e) => e.refund_id).join(', ')})`);
    const total = Math.min(
      o.payable_amount,
      took.reduce((s, e) => s + e.amount, 0),
    );
    if (o.refunded_amount !== total)
      money.violations.push(`${o.id}: refunded ${o.refunded_amount}, its refunds add up to ${total}`);
    for (const r of done) {
      const e = took.find((x) => x.request_id === r.id);
      if (e?.amount !== (r.refund_amount ?? 0))
        money.violations.push(
          `${o.id}: return ${r.id} refunds ${r.refund_amount}, the refund took ${e?.amount}`,
        );
    }
    if (p && p.refunded_amount !== o.refunded_amount)
      money.violations.push(`${o.id}: payment refunded ${p.refunded_amount}, order ${o.refunded_amount}`);
    if (wasPaid && balance < feesKept)
      money.violations.push(`${o.id}: the PG keeps ${balance}, less than the return fees ${feesKept}`);
    if (o.status === 'REFUNDED' && balance !== o.payable_amount - o.refunded_amount)
      money.violations.push(
        `${o.id}: REFUNDED, PG keeps ${balance}, order says ${o.payable_amount - o.refunded_amount} (the return fees)`,
      );
    if (LIVE.includes(o.status)) {
      if (!p || !['DONE', 'PARTIALLY_REFUNDED'].includes(p.status))
        money.violations.push(`${o.id}: order ${o.status}, payment ${p?.status ?? 'missing'}`);
      if (balance !== o.payable_amount - o.refunded_amount)
        money.violations.push(
          `${o.id}: PG keeps ${balance}, order says ${o.payable_amount - o.refunded_amount}`,
        );
    }
    if (['CANCELLED', 'PAYMENT_FAILED'].includes(o.status) && balance !== 0)
      money.violations.push(`${o.id}: ${o.status} but the PG still holds ${balance}`);
    if (p && p.refunded_amount > p.amount)
      money.violations.push(`${o.id}: refunded ${p.refunded_amount} of ${p.amount}`);
  }
  // Each return: accepted ones refund their lines less the fee (a change of mind's, none for the
  // seller's fault); none is left half way once settled.
  const returnCheck = check(
    'every return settled: refund = lines − return fee, the fee only for a change of mind',
  );
  for (const r of returns) {
    returnCheck.checked++;
    if (r.status !== 'COMPLETED') {
      returnCheck.violations.push(`${r.id} (order ${r.order_id}): return left ${r.status}`);
      continue;
    }
    const fee = r.return_reason === 'CHANGE_OF_MIND' ? Math.min(RETURN_FEE, r.amount) : 0;
    if (r.return_shipping_fee !== fee || r.refund_amount !== r.amount - fee)
      returnCheck.violations.push(
        `${r.id}: ${r.return_reason} of ${r.amount}, fee ${r.return_shipping_fee}, refund ${r.refund_amount}`,
      );
    const lines = r.items.reduce((s, l) => s + l.amount, 0);
    // The order's last return also carries its shipping fee.
    if (r.amount < lines) returnCheck.violations.push(`${r.id}: worth ${r.amount}, its lines ${lines}`);
  }

  // 3. Stock: on hand = initial − sold (+ returned), nothing reserved for a settled order. The
  // campaign's SKUs are sold only by the campaign, so every order holding them counts, 201 or not:
  // an order whose answer was lost to a kill (the connection cut after its commit) still sold.
  const items = await q<{
    order_id: string;
    sku: string;
    quantity: number;
    status: string;
    cancelled: boolean;
  }>(
    'order',
    `select i.order_id, i.sku, i.quantity, o.status, o.cancelled_at is not null as cancelled
       from order_items i join orders o on o.id = i.order_id where i.sku = any($1)`,
    [[...c.initialStock.keys()]],
  );
  const sold = new Map<string, number>();
  // Sold: an order that went through payment and was not cancelled (a cancelled order that is
  // REFUNDED gave its units back on the cancellation).
  for (const it of items)
    if (SOLD.includes(it.status) && !it.cancelled) sold.set(it.sku, (sold.get(it.sku) ?? 0) + it.quantity);
  const skus = [...c.initialStock.keys()];
  const stock = await q<{ sku: string; on_hand: number; reserved: number }>(
    'inventory',
    'select sku, on_hand, reserved from stock_items where sku = any($1)',
    [skus],
  );
  // Restocked: the lines each accepted return's inspection found RESELLABLE (DAMAGED ones are written off).
  const skuOf = new Map(
    (
      await q<{ id: string; sku: string }>(
        'order',
        'select id, sku from order_items where order_id = any($1)',
        [ids],
      )
    ).map((i) => [i.id, i.sku]),
  );
  const restocked = new Map<string, number>();
  for (const r of returns)
    if (['ACCEPTED', 'COMPLETED'].includes(r.status))
      for (const l of r.inspection?.lines ?? [])
        if (l.condition === 'RESELLABLE') {
          const sku = skuOf.get(l.itemId)!;
          restocked.set(sku, (restocked.get(sku) ?? 0) + l.quantity);
        }
  const stockCheck = check(
    'stock on hand = initial − sold + restocked per inspection; nothing reserved once settled',
  );
  for (const s of stock) {
    stockCheck.checked++;
    const expected = c.initialStock.get(s.sku)! - (sold.get(s.sku) ?? 0) + (restocked.get(s.sku) ?? 0);
    if (s.on_hand !== expected)
      stockCheck.violations.push(
        `${s.sku}: on hand ${s.on_hand}, expected ${expected} (sold ${sold.get(s.sku) ?? 0}, restocked ${restocked.get(s.sku) ?? 0})`,
      );
    if (s.reserved !== 0) stockCheck.violations.push(`${s.sku}: ${s.reserved} still reserved`);
  }
  const held = await q<{ order_id: string }>(
    'inventory',
    `select order_id from reservations where order_id = any($1) and status = 'RESERVED'`,
    [[...new Set(items.map((i) => i.order_id))]],
  );
  for (const h of held)
    stockCheck.violations.push(`${h.order_id}: reservation still RESERVED (${byId.get(h.order_id)?.status})`);
  // Each accepted return moved its resellable units back once (a RETURN movement per return and SKU).
  const moves = await q<{ actor: string; sku: string; n: number; units: number }>(
    'inventory',
    `select actor, sku, count(*)::int as n, sum(delta_on_hand)::int as units from stock_movements
      where reason = 'RETURN' and actor = any($1) group by 1, 2`,
    [returns.map((r) => `return:${r.id}`)],
  );
  for (const r of returns) {
    if (!['ACCEPTED', 'COMPLETED'].includes(r.status)) continue;
    const want = new Map<string, number>();
    for (const l of r.inspection?.lines ?? [])
      if (l.condition === 'RESELLABLE')
        want.set(skuOf.get(l.itemId)!, (want.get(skuOf.get(l.itemId)!) ?? 0) + l.quantity);
    for (const [sku, units] of want) {
      const m = moves.find((x) => x.actor === `return:${r.id}` && x.sku === sku);
      if (m?.n !== 1 || m.units !== units)
        stockCheck.violations.push(
          `${r.id}: ${sku} restock moves ${JSON.stringify(m ?? null)}, want ${units}`,
        );
    }
  }

  // 4. Coupons: each issued coupon used by at most one live order, and marked so.
  const couponCheck = check('each coupon used at most once, by the order that holds it');
  const userCoupons = await q<{ id: string; status: string; order_id: string | null }>(
    'coupon',
    'select id, status, order_id from user_coupons where coupon_id = $1',
    [c.couponId],
  );
  const holders = new Map<string, string[]>();
  for (const o of orders)
    if (o.user_coupon_id && !o.cancelled_at && o.status !== 'CANCELLED' && o.status !== 'PAYMENT_FAILED')
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

  // 7. Stats and settlement count the same orders. Per order: stats' and settlement's records of
  // each paid one. Per seller (the campaign's own, so nothing else is in its figures): stats' daily
  // counters summed, and settlement's lines and refund deductions, against what the order service
  // holds of every order with that seller's items (201 or not: an answer lost to a kill still made
  // an order).
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

  const truth = await q<{
    id: string;
    paid: boolean;
    cancelled: boolean;
    completed: boolean;
    gross: number;
    refunded_qty: number;
    open_qty: number;
    open_amount: number;
  }>(
    'order',
    `select o.id, o.paid_at is not null as paid, o.cancelled_at is not null as cancelled,
            o.status = 'COMPLETED' as completed, sum(i.line_amount)::bigint as gross,
            sum(i.refunded_quantity)::int as refunded_qty,
            sum(i.quantity - i.refunded_quantity)::int as open_qty,
            sum(i.line_amount - i.discount_amount - i.refunded_amount)::bigint as open_amount
       from orders o join order_items i on i.order_id = o.id
      where i.seller_id = $1 group by o.id`,
    [c.sellerId],
  );
  const truthOf = new Map(truth.map((t) => [t.id, t]));
  // Paid, for stats and settlement: the payment completed (payment.completed), even when the order
  // had been cancelled meanwhile (that payment is refunded, and counted as a refund).
  const charged = new Set(
    (
      await q<{ order_id: string }>(
        'payment',
        'select order_id from payments where order_id = any($1) and approved_at is not null',
        [truth.map((t) => t.id)],
      )
    ).map((r) => r.order_id),
  );
  // Every refund of the seller's orders (order.refund.completed): a return's lines, or a
  // cancellation's refund of everything the order still held.
  const sellerReturns = new Map(
    (
      await q<ReturnRow>(
        'order',
        `select id, order_id, status, amount, return_reason, return_shipping_fee, refund_amount, refund_id, items, inspection
           from refund_requests where order_id = any($1)`,
        [truth.map((t) => t.id)],
      )
    ).map((r) => [r.id, r]),
  );
  const refunds = (
    await q<{ order_id: string; refund_id: string; request_id: string | null }>(
      'order',
      `select order_id, data->>'refundId' as refund_id, data->>'refundRequestId' as request_id
         from order_events where type = 'REFUND_COMPLETED' and order_id = any($1)`,
      [truth.map((t) => t.id)],
    )
  ).map((e) => {
    const r = e.request_id ? sellerReturns.get(e.request_id) : undefined;
    const mine = r?.items.filter((l) => l.sellerId === c.sellerId) ?? [];
    const t = truthOf.get(e.order_id)!;
    return {
      ...e,
      amount: r ? mine.reduce((a, l) => a + l.amount, 0) : t.open_amount,
      units: r ? mine.reduce((a, l) => a + l.quantity, 0) : t.open_qty,
    };
  });
  const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);
  const expected = {
    orders: truth.length,
    ordered_amount: sum(truth, (t) => t.gross),
    paid_orders: truth.filter((t) => charged.has(t.id)).length,
    paid_amount: sum(
      truth.filter((t) => charged.has(t.id)),
      (t) => t.gross,
    ),
    cancelled_orders: truth.filter((t) => t.cancelled).length,
    completed_orders: truth.filter((t) => t.completed).length,
    refunds: refunds.length,
    refunded_amount: sum(refunds, (r) => r.amount),
  };
  const [stats] = await q<Record<keyof typeof expected, number>>(
    'stats',
    `select coalesce(sum(orders), 0)::bigint as orders, coalesce(sum(ordered_amount), 0)::bigint as ordered_amount,
            coalesce(sum(paid_orders), 0)::bigint as paid_orders, coalesce(sum(paid_amount), 0)::bigint as paid_amount,
            coalesce(sum(cancelled_orders), 0)::bigint as cancelled_orders,
            coalesce(sum(completed_orders), 0)::bigint as completed_orders,
            coalesce(sum(refunds), 0)::bigint as refunds, coalesce(sum(refunded_amount), 0)::bigint as refunded_amount
       from sales_daily where seller_id = $1`,
    [c.sellerId],
  );
  const statCheck = check(
    "stats' daily counters of the seller = its orders, payments, cancellations, refunds",
  );
  for (const [k, v] of Object.entries(expected)) {
    statCheck.checked++;
    const got = Number(stats?.[k as keyof typeof expected] ?? 0);
    if (got !== v) statCheck.violations.push(`${k}: stats ${got}, the orders say ${v}`);
  }

  const lineCheck = check("settlement's lines and refund deductions of the seller = its orders and returns");
  const lines = await q<{ order_id: string; n: number; gross: number; refunded_qty: number }>(
    'settlement',
    `select l.order_id, count(distinct l.id)::int as n, sum(distinct l.gross)::bigint as gross,
            (select coalesce(sum(li.refunded_quantity), 0) from line_items li join lines l2 on l2.id = li.line_id
              where l2.order_id = l.order_id and l2.seller_id = $1)::int as refunded_qty
       from lines l where l.seller_id = $1 group by l.order_id`,
    [c.sellerId],
  );
  const lineOf = new Map(lines.map((l) => [l.order_id, l]));
  for (const t of truth) {
    lineCheck.checked++;
    const l = lineOf.get(t.id);
    if (!l) lineCheck.violations.push(`${t.id}: no settlement line`);
    else if (l.n !== 1 || l.gross !== t.gross)
      lineCheck.violations.push(`${t.id}: ${l.n} lines, gross ${l.gross}, the order says ${t.gross}`);
    else {
      const units = sum(
        refunds.filter((r) => r.order_id === t.id),
        (r) => r.units,
      );
      if (l.refunded_qty !== units)
        lineCheck.violations.push(
          `${t.id}: settlement counts ${l.refunded_qty} units refunded, the refunds ${units}`,
        );
    }
  }
  for (const l of lines)
    if (!truth.some((t) => t.id === l.order_id))
      lineCheck.violations.push(`${l.order_id}: a line for no order`);
  const deductions = await q<{ refund_id: string; n: number; buyer_amount: number }>(
    'settlement',
    `select refund_id, count(*)::int as n, sum(buyer_amount)::bigint as buyer_amount from refunds
      where seller_id = $1 group by refund_id`,
    [c.sellerId],
  );
  const deductionOf = new Map(deductions.map((d) => [d.refund_id, d]));
  for (const r of refunds) {
    lineCheck.checked++;
    const d = deductionOf.get(r.refund_id);
    if (d?.n !== 1 || d.buyer_amount !== r.amount)
      lineCheck.violations.push(
        `refund ${r.refund_id} of ${r.order_id}: settlement ${JSON.stringify(d ?? null)}, the refund's lines ${r.amount}`,
      );
  }
  if (deductions.length !== refunds.length)
    lineCheck.violations.push(`${deductions.length} refund deductions, ${refunds.length} refunds`);
  return checks;
}
