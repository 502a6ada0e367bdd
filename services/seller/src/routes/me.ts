import type { FileMetadata } from '@mp/contracts';
import {
  ApiError,
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  principalOf,
  problems,
  requireRole,
  unprocessable,
  z,
} from '@mp/platform';
import type { SellerDeps } from '../config.ts';
import { apply } from '../domain/application.ts';
import { dashboard } from '../domain/dashboard.ts';
import { getSeller, toSellerDto } from '../domain/sellers.ts';
import { updateStore } from '../domain/store.ts';
import { csPhone, sellerDto, storeName } from './schemas.ts';

const applyRoute = createRoute({
  method: 'post',
  path: '/api/v1/sellers',
  summary:
    'Apply as a seller (입점 신청): the store and its business info; status PENDING until admin approves',
  middleware: [requireRole('seller')] as const,
  request: {
    body: jsonBody(
      z.object({
        storeName,
        businessNumber: z.string().regex(/^\d{3}-?\d{2}-?\d{5}$/, 'a 사업자등록번호 like 123-45-67890'),
        representative: z.string().trim().min(1).max(30),
        mailOrderNumber: z.string().trim().min(1).max(50),
        businessAddress: z.string().trim().min(1).max(300).optional(),
        description: z.string().trim().max(2000).optional(),
        csPhone: csPhone.optional(),
        csEmail: z.email().max(254).optional(),
      }),
    ),
  },
  responses: {
    201: jsonResponse(sellerDto, 'The application'),
    ...problems(400, 401, 403, 409, 422),
  },
});

const me = createRoute({
  method: 'get',
  path: '/api/v1/sellers/me',
  summary: 'My seller profile, store and application status',
  middleware: [requireRole('seller')] as const,
  responses: { 200: jsonResponse(sellerDto, 'The seller'), ...problems(401, 403, 404) },
});

const patchStore = createRoute({
  method: 'patch',
  path: '/api/v1/sellers/me/store',
  summary: 'Change my storefront (store.updated)',
  middleware: [requireRole('seller')] as const,
  request: {
    body: jsonBody(
      z
        .object({
          storeName: storeName.optional(),
          description: z.string().trim().max(2000).nullable().optional(),
          csPhone: csPhone.nullable().optional(),
          csEmail: z.email().max(254).nullable().optional(),
          logoFileId: z.string().min(1).max(64).nullable().optional(),
        })
        .strict(),
    ),
  },
  responses: { 200: jsonResponse(sellerDto, 'The seller'), ...problems(400, 401, 403, 404, 409, 422, 503) },
});

const dashboardRoute = createRoute({
  method: 'get',
  path: '/api/v1/sellers/me/dashboard',
  summary:
    'My sales dashboard (판매 대시보드): today and this month (KST), pending shipments, last settlement',
  middleware: [requireRole('seller')] as const,
  responses: {
    200: jsonResponse(
      z.object({
        timezone: z.string(),
        asOf: z.string(),
        grade: z.string(),
        status: z.string(),
        today: z.object({ orders: z.int(), sales: z.int() }),
        month: z.object({ orders: z.int(), sales: z.int() }),
        pendingShipments: z.int(),
        lastSettlement: z
          .object({
            settlementId: z.string(),
            grossAmount: z.int(),
            netAmount: z.int(),
            periodStart: z.string(),
            periodEnd: z.string(),
            completedAt: z.string(),
          })
          .nullable(),
      }),
      'Dashboard',
    ),
    ...problems(401, 403, 404),
  },
});

/** A logo must be the seller's own image, uploaded and ready (the file service, `GET /internal/files/{id}`). */
async function checkLogo(deps: SellerDeps, sellerId: string, fileId: string) {
  const refuse = (message: string) =>
    unprocessable('LOGO_INVALID', `The logo ${message}`, {
      errors: [{ path: 'logoFileId', message, in: 'body' }],
    });
  let file: FileMetadata;
  try {
    file = await deps.dapr.call('file.files.get', { params: { id: fileId } });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) throw refuse('is not an uploaded file');
    throw err;
  }
  if (file.ownerId !== sellerId) throw refuse('is not an uploaded file');
  if (file.status !== 'READY') throw refuse('is not uploaded completely');
  if (!file.contentType.startsWith('image/')) throw refuse('is not an image');
}

export function meRoutes(app: App, deps: SellerDeps) {
  app.openapi(applyRoute, async (c) => {
    const { view, created } = await apply(deps, principalOf(c).userId, c.req.valid('json'));
    c.header('x-application', created ? 'new' : 'resubmitted');
    return c.json(toSellerDto(view), 201);
  });

  app.openapi(me, async (c) => c.json(toSellerDto(await getSeller(deps.db, principalOf(c).userId)), 200));

  app.openapi(patchStore, async (c) => {
    const { userId } = principalOf(c);
    const patch = c.req.valid('json');
    await getSeller(deps.db, userId);
    if (patch.logoFileId) await checkLogo(deps, userId, patch.logoFileId);
    return c.json(toSellerDto(await updateStore(deps, userId, patch)), 200);
  });

  app.openapi(dashboardRoute, async (c) => {
    const { seller } = await getSeller(deps.db, principalOf(c).userId);
    const d = await dashboard(deps.db, seller.seller_id);
    return c.json({ ...d, grade: seller.grade, status: seller.status }, 200);
  });
}
