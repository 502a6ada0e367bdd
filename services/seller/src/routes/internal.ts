import {
  changedSeller,
  sellerApproval,
  sellerDecision,
  sellerDto,
  sellerListQuery,
  sellerPage,
  sellerSummary,
} from '@mp/contracts';
import {
  type App,
  createRoute,
  decodeCursor,
  jsonBody,
  jsonResponse,
  keysetPage,
  notFound,
  problems,
  z,
} from '@mp/platform';
import type { SellerDeps } from '../config.ts';
import { formatBusinessNumber } from '../domain/business-number.ts';
import { findSeller, toSellerDto } from '../domain/sellers.ts';
import { approve, reject, suspendById } from '../domain/standing.ts';

const params = z.object({ sellerId: z.string().max(64) });

const getOne = createRoute({
  method: 'get',
  path: '/internal/sellers/{sellerId}',
  summary: 'Contract 1: a seller and its status (product lists only VERIFIED sellers)',
  request: { params },
  responses: { 200: jsonResponse(sellerSummary, 'The seller'), ...problems(404) },
});
const list = createRoute({
  method: 'get',
  path: '/internal/sellers',
  summary: 'Applications and sellers, newest application first (admin)',
  request: { query: sellerListQuery },
  responses: { 200: jsonResponse(sellerPage, 'Sellers'), ...problems(400) },
});
const approveRoute = createRoute({
  method: 'post',
  path: '/internal/sellers/{sellerId}/approve',
  summary: '입점 승인: the seller may list products (seller.verified)',
  request: { params, body: jsonBody(sellerApproval) },
  responses: { 200: jsonResponse(changedSeller, 'The seller'), ...problems(400, 404) },
});
const rejectRoute = createRoute({
  method: 'post',
  path: '/internal/sellers/{sellerId}/reject',
  summary: '입점 반려: a pending application is refused, with the reason',
  request: { params, body: jsonBody(sellerDecision) },
  responses: { 200: jsonResponse(sellerDto, 'The seller'), ...problems(400, 404, 409) },
});
const suspendRoute = createRoute({
  method: 'post',
  path: '/internal/sellers/{sellerId}/suspend',
  summary: '판매 정지: the seller stops selling (seller.suspended)',
  request: { params, body: jsonBody(sellerDecision) },
  responses: { 200: jsonResponse(sellerDto, 'The seller'), ...problems(400, 404, 409) },
});

export function internalRoutes(app: App, deps: SellerDeps) {
  const { db } = deps;
  app.openapi(getOne, async (c) => {
    const view = await findSeller(db, c.req.valid('param').sellerId);
    if (!view) throw notFound('SELLER_NOT_FOUND', 'No such seller');
    return c.json(
      {
        sellerId: view.seller.seller_id,
        userId: view.seller.seller_id,
        status: view.seller.status,
        storeName: view.store.store_name,
        grade: view.seller.grade,
        business: {
          businessNumber: formatBusinessNumber(view.business.business_number),
          representative: view.business.representative,
          mailOrderNumber: view.business.mail_order_number,
          businessAddress: view.business.business_address,
        },
      },
      200,
    );
  });

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ at: z.iso.datetime(), id: z.uuid() }));
    let query = db
      .selectFrom('sellers')
      .select(['seller_id', 'applied_at'])
      .orderBy('applied_at', 'desc')
      .orderBy('seller_id', 'desc')
      .limit(q.limit + 1);
    if (q.status) query = query.where('status', '=', q.status);
    if (after)
      query = query.where((eb) =>
        eb.or([
          eb('applied_at', '<', new Date(after.at)),
          eb.and([eb('applied_at', '=', new Date(after.at)), eb('seller_id', '<', after.id)]),
        ]),
      );
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({
      at: last.applied_at.toISOString(),
      id: last.seller_id,
    }));
    const items = [];
    for (const r of page) items.push(toSellerDto((await findSeller(db, r.seller_id))!));
    return c.json(
      {
        items,
        nextCursor,
      },
      200,
    );
  });

  app.openapi(approveRoute, async (c) => {
    const { view, changed } = await approve(deps, c.req.valid('param').sellerId, c.req.valid('json').adminId);
    return c.json({ ...toSellerDto(view), changed }, 200);
  });
  app.openapi(rejectRoute, async (c) => {
    const view = await reject(deps, c.req.valid('param').sellerId, c.req.valid('json').reason);
    return c.json(toSellerDto(view), 200);
  });
  app.openapi(suspendRoute, async (c) => {
    const view = await suspendById(deps, c.req.valid('param').sellerId, c.req.valid('json').reason);
    return c.json(toSellerDto(view), 200);
  });
}
