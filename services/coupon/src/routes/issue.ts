import {
  type Admit,
  type App,
  createRoute,
  decodeCursor,
  idempotent,
  isId,
  jsonResponse,
  keysetPage,
  notFound,
  pageOf,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { issueCoupon } from '../domain/coupons.ts';
import { toUserCouponDto } from '../domain/dto.ts';
import { couponIdParam, userCouponDto } from './schemas.ts';

const issue = createRoute({
  method: 'post',
  path: '/api/v1/coupons/{id}/issue',
  summary: 'Claim a coupon: first come, first served (선착순), one per user. Honours Idempotency-Key.',
  middleware: [requireRole('buyer')] as const,
  request: { params: couponIdParam },
  responses: {
    201: jsonResponse(userCouponDto, 'The coupon is yours'),
    ...problems(400, 401, 403, 404, 409, 422),
  },
});

const mine = createRoute({
  method: 'get',
  path: '/api/v1/coupons/mine',
  summary: 'My coupons, newest first',
  middleware: [requireRole('buyer', 'seller', 'admin')] as const,
  request: { query: pageQuery.extend({ status: z.enum(['ISSUED', 'USED', 'EXPIRED']).optional() }) },
  responses: { 200: jsonResponse(pageOf(userCouponDto), 'My coupons'), ...problems(400, 401) },
});

export function issueRoutes(app: App, deps: ServiceDeps<Database>, admit: Admit) {
  const { db } = deps;
  // Registered before /{id} routes' siblings: "mine" is not a coupon id.
  app.openapi(mine, async (c) => {
    const { userId } = principalOf(c);
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ id: z.string() }));
    let query = db
      .selectFrom('user_coupons as u')
      .innerJoin('coupons as c', 'c.id', 'u.coupon_id')
      .selectAll('c')
      .select([
        'u.id as u_id',
        'u.coupon_id as u_coupon_id',
        'u.user_id as u_user_id',
        'u.status as u_status',
        'u.order_id as u_order_id',
        'u.discount_amount as u_discount_amount',
        'u.issued_at as u_issued_at',
        'u.used_at as u_used_at',
      ])
      .where('u.user_id', '=', userId)
      .orderBy('u.id', 'desc')
      .limit(q.limit + 1);
    if (q.status) query = query.where('u.status', '=', q.status);
    if (after) query = query.where('u.id', '<', after.id);
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({ id: last.u_id }));
    return c.json(
      {
        items: page.map((r) =>
          toUserCouponDto(
            {
              id: r.u_id,
              coupon_id: r.u_coupon_id,
              user_id: r.u_user_id,
              status: r.u_status,
              order_id: r.u_order_id,
              discount_amount: r.u_discount_amount,
              issued_at: r.u_issued_at,
              used_at: r.u_used_at,
            },
            r,
          ),
        ),
        nextCursor,
      },
      200,
    );
  });

  app.use('/api/v1/coupons/:id/issue', idempotent(db, 'coupons.issue'));
  app.openapi(issue, async (c) => {
    const { userId } = principalOf(c);
    const { id } = c.req.valid('param');
    if (!isId(id)) throw notFound('COUPON_NOT_FOUND', 'No such coupon');
    const { userCoupon, coupon } = await admit(() => issueCoupon(deps, id, userId));
    return c.json(toUserCouponDto(userCoupon, coupon), 201);
  });
}
