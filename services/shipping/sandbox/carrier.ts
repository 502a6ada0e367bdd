import { randomInt } from 'node:crypto';
import { type App, jsonb, type Kysely, sql, z } from '@mp/platform';
import { carrierCodes, carrierNames } from '../src/carrier/port.ts';
import { CARRIER_SANDBOX_BASE } from '../src/config.ts';

interface Parcel {
  t_code: string;
  t_invoice: string;
  level: number;
  failed: boolean;
  details: { kind: string; level: number; where: string; timeString: string; time: number }[];
}

/** The steps a parcel goes through, the same every time (deterministic). */
const route: { level: number; kind: string; where: string }[] = [
  { level: 1, kind: '접수', where: '판매자 물류센터' },
  { level: 2, kind: '집화처리', where: '서울송파' },
  { level: 3, kind: '간선상차', where: '대전HUB' },
  { level: 4, kind: '간선하차', where: '서울강남' },
  { level: 5, kind: '배송출발', where: '서울강남' },
  { level: 6, kind: '배달완료', where: '서울강남' },
];
const targets = { next: 0, in_transit: 3, delivered: 6 } as const;

const ready = new WeakMap<object, Promise<void>>();
function parcels(db: Kysely<unknown>): Promise<Kysely<{ carrier_sandbox_parcels: Parcel }>> {
  let p = ready.get(db);
  if (!p) {
    p = sql`create table if not exists carrier_sandbox_parcels (
      t_code text not null, t_invoice text not null, level integer not null, failed boolean not null default false,
      details jsonb not null default '[]', primary key (t_code, t_invoice))`
      .execute(db)
      .then(() => undefined);
    ready.set(db, p);
    p.catch(() => ready.delete(db));
  }
  return p.then(() => db as Kysely<{ carrier_sandbox_parcels: Parcel }>);
}

const kstString = (d: Date) =>
  new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
const step = (s: (typeof route)[number], at = new Date()) => ({
  ...s,
  timeString: kstString(at),
  time: at.getTime(),
});

/**
 * A carrier sandbox speaking the 스마트택배 tracking API (local profiles and tests only). A parcel is
 * known from its first query (접수); `POST /sandbox/carrier/parcels/{carrier}/{trackingNumber}/advance`
 * moves it one step, or to `in_transit`, `delivered` or `failed` (배달불가). With `autoAdvance`, each
 * query moves it one step, so deliveries complete by themselves.
 */
export function carrierSandbox(
  app: App,
  anyDb: Kysely<unknown>,
  o: { apiKey: string; autoAdvance: boolean },
) {
  const codes = new Set(Object.values(carrierCodes));

  async function load(code: string, invoice: string, create: boolean) {
    const db = await parcels(anyDb);
    if (create)
      await db
        .insertInto('carrier_sandbox_parcels')
        .values({
          t_code: code,
          t_invoice: invoice,
          level: 1,
          failed: false,
          details: jsonb([step(route[0]!)]),
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    return db
      .selectFrom('carrier_sandbox_parcels')
      .selectAll()
      .where('t_code', '=', code)
      .where('t_invoice', '=', invoice)
      .executeTakeFirst();
  }

  async function advance(code: string, invoice: string, to: 'next' | 'in_transit' | 'delivered' | 'failed') {
    const db = await parcels(anyDb);
    const p = (await load(code, invoice, true))!;
    if (p.level >= 6 || p.failed) return p;
    const details = [...p.details];
    let level = p.level;
    let failed = false;
    if (to === 'failed') {
      details.push(step({ level: 5, kind: '배달불가', where: '서울강남' }));
      level = Math.max(level, 5);
      failed = true;
    } else {
      const target = to === 'next' ? level + 1 : Math.max(level, targets[to]);
      for (const s of route.filter((r) => r.level > level && r.level <= target)) details.push(step(s));
      level = target;
    }
    return db
      .updateTable('carrier_sandbox_parcels')
      .set({ level, failed, details: sql`${JSON.stringify(details)}::jsonb` as never })
      .where('t_code', '=', code)
      .where('t_invoice', '=', invoice)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  const render = (p: Parcel) => {
    const last = p.details.at(-1);
    return {
      invoiceNo: p.t_invoice,
      level: p.level,
      complete: p.level >= 6,
      result: 'Y',
      itemName: '주문 상품',
      receiverName: '수령인',
      trackingDetails: p.details.map((d) => ({ ...d, code: null, manName: '', telno: '', remark: null })),
      lastDetail: last ?? null,
      lastStateDetail: last ?? null,
      firstDetail: p.details[0] ?? null,
    };
  };

  app.get(`${CARRIER_SANDBOX_BASE}/api/v1/trackingInfo`, async (c) => {
    const { t_key, t_code, t_invoice } = c.req.query();
    if (t_key !== o.apiKey) return c.json({ status: false, code: '101', msg: '유효하지 않은 키입니다.' });
    if (!t_code || !codes.has(t_code))
      return c.json({ status: false, code: '102', msg: '택배사 코드가 올바르지 않습니다.' });
    if (!t_invoice || !/^\d{9,14}$/.test(t_invoice))
      return c.json({ status: false, code: '104', msg: '운송장 번호가 유효하지 않습니다.' });
    const parcel = o.autoAdvance
      ? await advance(t_code, t_invoice, 'next')
      : await load(t_code, t_invoice, true);
    return c.json(render(parcel!));
  });

  /**
   * 반품 회수 접수 in the tracking API's shape. Deterministic by the pickup address's 우편번호: one
   * starting 99 is an area the carrier does not collect from (`status: false`, code 301), one
   * starting 98 gets no answer (HTTP 503, as a carrier that is down). Booking the same orderNo again
   * answers the same invoice. The invoice is a parcel at 접수 (level 1), advanced like any other.
   */
  const pickupBody = z.object({
    t_key: z.string(),
    t_code: z.string(),
    orderNo: z.string().min(1).max(64),
    senderName: z.string().min(1),
    senderPhone: z.string().min(1),
    senderAddress: z.string().min(1),
    senderZipCode: z.string().regex(/^\d{5}$/),
    itemName: z.string().min(1),
    quantity: z.int().min(1),
  });
  app.post(`${CARRIER_SANDBOX_BASE}/api/v1/pickupReservation`, async (c) => {
    const parsed = pickupBody.safeParse(await c.req.json().catch(() => ({})));
    if (!parsed.success)
      return c.json({
        status: false,
        code: '400',
        msg: parsed.error.issues.map((i) => i.path.join('.')).join(', '),
      });
    const b = parsed.data;
    if (b.t_key !== o.apiKey) return c.json({ status: false, code: '101', msg: '유효하지 않은 키입니다.' });
    if (!codes.has(b.t_code))
      return c.json({ status: false, code: '102', msg: '택배사 코드가 올바르지 않습니다.' });
    if (b.senderZipCode.startsWith('98')) return c.json({ msg: 'service unavailable' }, 503);
    if (b.senderZipCode.startsWith('99'))
      return c.json({ status: false, code: '301', msg: '회수 불가 지역입니다.' });
    const db = await parcels(anyDb);
    await sql`create table if not exists carrier_sandbox_pickups (
      t_code text not null, order_no text not null, t_invoice text not null, primary key (t_code, order_no))`.execute(
      db,
    );
    const invoice = `6${randomInt(10_000_000_000, 100_000_000_000)}`;
    await sql`insert into carrier_sandbox_pickups (t_code, order_no, t_invoice) values (${b.t_code}, ${b.orderNo}, ${invoice})
      on conflict do nothing`.execute(db);
    const booked = await sql<{ t_invoice: string }>`select t_invoice from carrier_sandbox_pickups
      where t_code = ${b.t_code} and order_no = ${b.orderNo}`.execute(db);
    const invoiceNo = booked.rows[0]!.t_invoice;
    await load(b.t_code, invoiceNo, true);
    return c.json({ status: true, invoiceNo, reservedAt: kstString(new Date()) });
  });

  const advanceBody = z.object({ to: z.enum(['next', 'in_transit', 'delivered', 'failed']).default('next') });
  app.post(`${CARRIER_SANDBOX_BASE}/parcels/:carrier/:trackingNumber/advance`, async (c) => {
    const carrier = c.req.param('carrier') as keyof typeof carrierCodes;
    const code = carrierCodes[carrier];
    const parsed = advanceBody.safeParse(await c.req.json().catch(() => ({})));
    if (!code || !parsed.success)
      return c.json(
        {
          status: false,
          code: '400',
          msg: `carrier is one of ${Object.keys(carrierCodes).join(', ')}; to is next|in_transit|delivered|failed`,
        },
        400,
      );
    const parcel = await advance(code, c.req.param('trackingNumber'), parsed.data.to);
    return c.json({ carrier, carrierName: carrierNames[carrier], ...render(parcel) });
  });
}
