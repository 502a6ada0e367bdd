import {
  type App,
  createRoute,
  isId,
  jsonBody,
  jsonResponse,
  notFound,
  principalOf,
  problems,
  requireRole,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import {
  couponsOf,
  createPromotion,
  managedPromotion,
  type Organizer,
  statusOf,
  toPromotionDto,
  updatePromotion,
} from '../domain/promotions.ts';
import { promotionDto } from './schemas.ts';

/** Instants with their offset: a KST period is sent as e.g. `2026-12-01T00:00:00+09:00`. */
const instant = z.iso.datetime({ offset: true });
const fields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(5000).optional(),
  bannerFileId: z.string().min(1).max(64).nullable().optional(),
  startsAt: instant,
  endsAt: instant,
  published: z.boolean().optional(),
  couponIds: z.array(z.string().min(1).max(64)).max(50),
};
const periodCheck = (
  p: { startsAt?: string | undefined; endsAt?: string | undefined },
  ctx: z.RefinementCtx,
) => {
  if (p.startsAt && p.endsAt && Date.parse(p.endsAt) <= Date.parse(p.startsAt))
    ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
};
const newPromotion = z
  .object({ ...fields, couponIds: fields.couponIds.default([]) })
  .superRefine(periodCheck);
const promotionPatch = z
  .object({
    ...fields,
    name: fields.name.optional(),
    startsAt: instant.optional(),
    endsAt: instant.optional(),
    couponIds: fields.couponIds.optional(),
  })
  .superRefine(periodCheck);

const idParam = z.object({ id: z.string().min(1).max(64) });

const create = createRoute({
  method: 'post',
  path: '/api/v1/coupons/promotions',
  summary: 'Create a promotion (프로모션/기획전): admin for the platform, a seller for its own coupons',
  middleware: [requireRole('admin', 'seller')] as const,
  request: { body: jsonBody(newPromotion) },
  responses: { 201: jsonResponse(promotionDto, 'The promotion'), ...problems(400, 401, 403, 422) },
});
const get = createRoute({
  method: 'get',
  path: '/api/v1/coupons/promotions/{id}',
  summary:
    'A promotion with the coupons that can be claimed now; drafts, scheduled and ended ones only for their organizer and admins (with every coupon)',
  request: { params: idParam },
  responses: { 200: jsonResponse(promotionDto, 'The promotion'), ...problems(400, 404) },
});
const patch = createRoute({
  method: 'patch',
  path: '/api/v1/coupons/promotions/{id}',
  summary: 'Change, publish or unpublish a promotion (its organizer or an admin)',
  middleware: [requireRole('admin', 'seller')] as const,
  request: { params: idParam, body: jsonBody(promotionPatch) },
  responses: { 200: jsonResponse(promotionDto, 'The promotion'), ...problems(400, 401, 403, 404, 422) },
});
const remove = createRoute({
  method: 'delete',
  path: '/api/v1/coupons/promotions/{id}',
  summary: 'Delete a promotion (its organizer or an admin); its coupons stay',
  middleware: [requireRole('admin', 'seller')] as const,
  request: { params: idParam },
  responses: { 204: { description: 'Deleted' }, ...problems(401, 403, 404) },
});

const organizer = (c: Parameters<typeof principalOf>[0]): Organizer => {
  const p = principalOf(c);
  return { userId: p.userId, role: p.role as Organizer['role'] };
};
const missing = () => notFound('PROMOTION_NOT_FOUND', 'No such promotion');

export function promotionRoutes(app: App, deps: ServiceDeps<Database>) {
  const { db } = deps;
  app.openapi(create, async (c) => {
    const p = await createPromotion(deps, organizer(c), c.req.valid('json'));
    return c.json(toPromotionDto(p, await couponsOf(db, p.id, false)), 201);
  });

  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    if (!isId(id)) throw missing();
    const p = await db.selectFrom('promotions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!p) throw missing();
    const who = c.get('principal');
    const organizes = who?.role === 'admin' || (p.seller_id !== null && p.seller_id === who?.userId);
    if (!organizes && statusOf(p) !== 'ACTIVE') throw missing();
    return c.json(toPromotionDto(p, await couponsOf(db, p.id, !organizes)), 200);
  });

  app.openapi(patch, async (c) => {
    const { id } = c.req.valid('param');
    if (!isId(id)) throw missing();
    const p = await updatePromotion(deps, organizer(c), id, c.req.valid('json'));
    return c.json(toPromotionDto(p, await couponsOf(db, p.id, false)), 200);
  });

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    if (!isId(id)) throw missing();
    const p = await managedPromotion(db, organizer(c), id);
    await db.deleteFrom('promotions').where('id', '=', p.id).execute();
    return c.body(null, 204);
  });
}
