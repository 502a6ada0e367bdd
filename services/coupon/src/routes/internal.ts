import { couponGrant, couponValidation } from '@mp/contracts';
import { type App, createRoute, jsonBody, jsonResponse, problems, type ServiceDeps, z } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { expireCoupons } from '../domain/expiry.ts';
import { validateCoupon } from '../domain/validation.ts';

const validate = createRoute({
  method: 'post',
  path: '/internal/coupons/validate',
  summary: 'Coupon validation: may this user use this coupon on an order of this amount, and for how much',
  request: { body: jsonBody(couponValidation) },
  responses: {
    200: jsonResponse(couponGrant, 'The coupon applies'),
    ...problems(400, 409, 422),
  },
});

/** The cron input binding (components/common/coupon-expiry.yaml) posts here on its schedule. */
const expiryJob = createRoute({
  method: 'post',
  path: '/internal/jobs/coupon-expiry',
  summary: 'Expires coupons past their validity (called by the Dapr cron binding)',
  responses: { 200: jsonResponse(z.object({ expired: z.int() }), 'How many coupons expired') },
});

/** Routes reached only through Dapr (order's invocation, the cron binding). */
export function internalRoutes(app: App, { db, events }: ServiceDeps<Database>) {
  app.openapi(validate, async (c) => c.json(await validateCoupon(db, c.req.valid('json')), 200));
  app.openapi(expiryJob, async (c) => c.json({ expired: await expireCoupons(db, events) }, 200));
}
