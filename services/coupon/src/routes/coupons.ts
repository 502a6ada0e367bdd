import {
  type App,
  createRoute,
  decodeCursor,
  isId,
  jsonBody,
  jsonResponse,
  keysetPage,
  notFound,
  pageOf,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  type ServiceDeps,
  sql,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { createCoupon, findCoupon } from '../domain/coupons.ts';
import { toCouponDto } from '../domain/dto.ts';
import { couponDto, couponIdParam } from './schemas.ts';

const krw = z.int().min(0).max(100_000_000);
const newCoupon = z
  .object({
    name: z.string().trim().min(1).max(100),
    type: z.enum(['FIXED', 'PERCENT']),
    value: z.int().positive().max(100_000_000),
    minOrderAmount: krw.default(0),
    maxDiscount: z.int().positive().max(100_000_000).optional(),
    totalQuantity: z.int().positive().max(10_000_000).optional(),
    validFrom: z.iso.datetime({ offset: true }),
    validUntil: z.iso.datetime({ offset: true }),
  })
  .superRefine((c, ctx) => {
    if (c.type === 'PERCENT' && c.value > 100)
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'a percentage is at most 100' });
    if (Date.parse(c.validUntil) <= Date.parse(c.validFrom))
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must be after validFrom' });
    if (Date.parse(c.validUntil) <= Date.now())
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must be in the future' });
  });

const create = createRoute({
  method: 'post',
  path: '/api/v1/coupons',
  summary: 'Create a coupon (admin: platform-funded; seller: funded by the seller, for its own items)',
  middleware: [requireRole('admin', 'seller')] as const,
  request: { body: jsonBody(newCoupon) },
  responses: { 201: jsonResponse(couponDto, 'The coupon'), ...problems(400, 401, 403) },
});

const list = createRoute({
  method: 'get',
  path: '/api/v1/coupons',
  summary: 'Coupons that can be claimed now, newest first',
  request: { query: pageQuery.extend({ sellerId: z.string().max(64).optional() }) },
  responses: { 200: jsonResponse(pageOf(couponDto), 'Coupons'), ...problems(400) },
});

const get = createRoute({
  method: 'get',
  path: '/api/v1/coupons/{id}',
  summary: 'A coupon',
  request: { params: couponIdParam },
  responses: { 200: jsonResponse(couponDto, 'The coupon'), ...problems(400, 404) },
});

const remove = createRoute({
  method: 'delete',
  path: '/api/v1/coupons/{id}',
  summary: 'Stop issuing a coupon (its owner or an admin); coupons already issued stay usable',
  middleware: [requireRole('admin', 'seller')] as const,
  request: { params: couponIdParam },
  responses: { 200: jsonResponse(couponDto, 'The coupon, now DELETED'), ...problems(400, 401, 403, 404) },
});

export function couponRoutes(app: App, deps: ServiceDeps<Database>) {
  const { db } = deps;
  app.openapi(create, async (c) => {
    const p = principalOf(c);
    const coupon = await createCoupon(
      deps,
      { userId: p.userId, role: p.role as 'admin' | 'seller' },
      c.req.valid('json'),
    );
    return c.json(toCouponDto(coupon), 201);
  });

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ id: z.string() }));
    let query = db
      .selectFrom('coupons')
      .selectAll()
      .where('status', '=', 'ACTIVE')
      .where('valid_until', '>', sql<Date>`now()`)
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    if (q.sellerId) query = query.where('seller_id', '=', q.sellerId);
    if (after) query = query.where('id', '<', after.id);
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({ id: last.id }));
    return c.json(
      {
        items: page.map(toCouponDto),
        nextCursor,
      },
      200,
    );
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const coupon = isId(id) ? await findCoupon(db, id) : undefined;
    const p = c.get('principal');
    const mayseeDeleted = p?.role === 'admin' || (coupon?.seller_id && coupon.seller_id === p?.userId);
    if (!coupon || (coupon.status === 'DELETED' && !mayseeDeleted))
      throw notFound('COUPON_NOT_FOUND', 'No such coupon');
    return c.json(toCouponDto(coupon), 200);
  });

  app.openapi(remove, async (c) => {
    const p = principalOf(c);
    const { id } = c.req.valid('param');
    if (!isId(id)) throw notFound('COUPON_NOT_FOUND', 'No such coupon of yours that is still active');
    let q = db
      .updateTable('coupons')
      .set({ status: 'DELETED' })
      .where('id', '=', id)
      .where('status', '<>', 'EXPIRED');
    // A seller reaches only its own coupons; another's answers 404 like a missing one.
    if (p.role !== 'admin') q = q.where('seller_id', '=', p.userId);
    const coupon = await q.returningAll().executeTakeFirst();
    if (!coupon) throw notFound('COUPON_NOT_FOUND', 'No such coupon of yours that is still active');
    return c.json(toCouponDto(coupon), 200);
  });
}
