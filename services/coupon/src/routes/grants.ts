import {
  type Admit,
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
import { startGrantJob, toGrantJobDto } from '../domain/grant-jobs.ts';
import { type Granter, grantToUsers } from '../domain/grant-requests.ts';
import { couponIdParam } from './schemas.ts';

/** At most this many users per grant request; more go through several requests or a grant to everyone. */
export const MAX_GRANT_USERS = 1000;

const grantReport = z
  .object({
    couponId: z.string(),
    granted: z.array(z.object({ userId: z.string(), userCouponId: z.string() })),
    alreadyHeld: z.array(z.string()),
    notGranted: z.array(
      z.object({
        userId: z.string(),
        reason: z.enum(['USER_NOT_FOUND', 'USER_NOT_ACTIVE', 'USER_NOT_A_BUYER', 'COUPON_EXHAUSTED']),
      }),
    ),
  })
  .openapi('CouponGrant');

const grantJobDto = z
  .object({
    jobId: z.string(),
    couponId: z.string(),
    status: z.enum(['RUNNING', 'COMPLETED', 'STOPPED']),
    stoppedReason: z.string().nullable(),
    batches: z.int(),
    usersSeen: z.int(),
    granted: z.int(),
    alreadyHeld: z.int(),
    notGranted: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('CouponGrantJob');

const grant = createRoute({
  method: 'post',
  path: '/api/v1/coupons/{id}/grants',
  summary:
    'Issue a coupon to listed users (사용자별 발급): admin for platform coupons, a seller for its own. Users who hold it already are skipped; a coupon that runs out grants part and says who did not get it',
  middleware: [requireRole('admin', 'seller')] as const,
  request: {
    params: couponIdParam,
    body: jsonBody(
      z.object({ userIds: z.array(z.string().trim().min(1).max(64)).min(1).max(MAX_GRANT_USERS) }),
    ),
  },
  responses: {
    200: jsonResponse(grantReport, 'Who got the coupon, who had it already, who did not and why'),
    ...problems(400, 401, 403, 404, 409, 422),
  },
});

const startJob = createRoute({
  method: 'post',
  path: '/api/v1/coupons/{id}/grant-jobs',
  summary:
    'Issue a platform coupon to every active buyer (전체 발급), in the background; while a job for the coupon runs, answers that job',
  middleware: [requireRole('admin')] as const,
  request: { params: couponIdParam },
  responses: {
    202: jsonResponse(grantJobDto, 'The job, started'),
    200: jsonResponse(grantJobDto, 'The job already running for this coupon'),
    ...problems(400, 401, 403, 404, 409),
  },
});

const getJob = createRoute({
  method: 'get',
  path: '/api/v1/coupons/{id}/grant-jobs/{jobId}',
  summary: 'A grant-to-everyone job and its counts',
  middleware: [requireRole('admin')] as const,
  request: { params: couponIdParam.extend({ jobId: z.string().min(1).max(64) }) },
  responses: { 200: jsonResponse(grantJobDto, 'The job'), ...problems(400, 401, 403, 404) },
});

const granter = (c: Parameters<typeof principalOf>[0]): Granter => {
  const p = principalOf(c);
  return { userId: p.userId, role: p.role as Granter['role'] };
};

export function grantRoutes(app: App, deps: ServiceDeps<Database>, admit: Admit) {
  const { db } = deps;
  app.openapi(grant, async (c) => {
    const { id } = c.req.valid('param');
    if (!isId(id)) throw notFound('COUPON_NOT_FOUND', 'No such coupon of yours');
    const userIds = c.req.valid('json').userIds;
    return c.json(await admit(() => grantToUsers(deps, granter(c), id, userIds)), 200);
  });

  app.openapi(startJob, async (c) => {
    const { id } = c.req.valid('param');
    if (!isId(id)) throw notFound('COUPON_NOT_FOUND', 'No such coupon');
    const { job, started } = await startGrantJob(deps, granter(c), id);
    return started ? c.json(toGrantJobDto(job), 202) : c.json(toGrantJobDto(job), 200);
  });

  app.openapi(getJob, async (c) => {
    const { id, jobId } = c.req.valid('param');
    if (!isId(id) || !isId(jobId)) throw notFound('GRANT_JOB_NOT_FOUND', 'No such job');
    // Admins only (the route's role): a job stays watchable after its coupon is deleted.
    const job = await db
      .selectFrom('grant_jobs')
      .selectAll()
      .where('id', '=', jobId)
      .where('coupon_id', '=', id)
      .executeTakeFirst();
    if (!job) throw notFound('GRANT_JOB_NOT_FOUND', 'No such job');
    return c.json(toGrantJobDto(job), 200);
  });
}
