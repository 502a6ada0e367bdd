import type { z } from 'zod';
import { type ServiceName, serviceNames } from './services.ts';

/**
 * The synchronous calls between the services (Dapr service invocation): who calls whom, with
 * which method, on which path. It is the one source of what each app may invoke: the kit's
 * `dapr.invoke` refuses a call that is not here, the Dapr access-control Configurations of local
 * runs and of the Helm chart are generated from it (scripts/gen), so the callee's sidecar refuses
 * everything else, and every path here must be answered by the callee's `/internal` routes.
 *
 * `{name}` in a path stands for one path segment (an id, a key).
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface CallSpec {
  /** The apps that make this call. */
  callers: readonly ServiceName[];
  callee: ServiceName;
  method: HttpMethod;
  /** The callee's path, `{name}` for one segment. */
  path: `/${string}`;
  /** What the caller sends and what the callee answers; may be attached per call. */
  request?: z.ZodType;
  reply?: z.ZodType;
}

const call = <const C extends CallSpec>(c: C): C => c;

/** Every app but these (auth checks tokens with its own keys and sessions, not through a sidecar). */
const allBut = <const X extends ServiceName>(...except: X[]) =>
  serviceNames.filter((s): s is Exclude<ServiceName, X> => !except.includes(s as X));

export const calls = {
  // The kit's token verifier in every app (packages/platform/src/service.ts).
  'auth.jwks': call({
    callers: allBut('auth'),
    callee: 'auth',
    method: 'GET',
    path: '/.well-known/jwks.json',
  }),
  'auth.sessions.revoked': call({
    callers: allBut('auth'),
    callee: 'auth',
    method: 'GET',
    path: '/internal/sessions/revoked',
  }),
  // The reset link's token never leaves auth in an event: notification fetches it to mail it.
  'auth.passwordResets.get': call({
    callers: ['notification'],
    callee: 'auth',
    method: 'GET',
    path: '/internal/password-resets/{resetId}',
  }),
  // Likewise the email verification link's token.
  'auth.emailVerifications.get': call({
    callers: ['notification'],
    callee: 'auth',
    method: 'GET',
    path: '/internal/email-verifications/{verificationId}',
  }),

  // Accounts: auth keeps credentials' use, user keeps the accounts.
  'user.credentials.verify': call({
    callers: ['auth'],
    callee: 'user',
    method: 'POST',
    path: '/internal/credentials/verify',
  }),
  'user.users.list': call({
    callers: ['admin', 'coupon'],
    callee: 'user',
    method: 'GET',
    path: '/internal/users',
  }),
  'user.users.get': call({
    callers: ['admin', 'auth', 'coupon', 'notification'],
    callee: 'user',
    method: 'GET',
    path: '/internal/users/{id}',
  }),
  'user.users.lookup': call({
    callers: ['auth'],
    callee: 'user',
    method: 'POST',
    path: '/internal/users/lookup',
  }),
  'user.users.external': call({
    callers: ['auth'],
    callee: 'user',
    method: 'POST',
    path: '/internal/users/external',
  }),
  'user.users.password': call({
    callers: ['auth'],
    callee: 'user',
    method: 'PUT',
    path: '/internal/users/{id}/password',
  }),
  'user.users.emailVerified': call({
    callers: ['auth'],
    callee: 'user',
    method: 'POST',
    path: '/internal/users/{id}/email-verified',
  }),
  'user.users.suspend': call({
    callers: ['admin'],
    callee: 'user',
    method: 'POST',
    path: '/internal/users/{id}/suspend',
  }),
  'user.users.restore': call({
    callers: ['admin'],
    callee: 'user',
    method: 'POST',
    path: '/internal/users/{id}/restore',
  }),

  // Sellers.
  'seller.sellers.list': call({
    callers: ['admin'],
    callee: 'seller',
    method: 'GET',
    path: '/internal/sellers',
  }),
  'seller.sellers.get': call({
    callers: ['product', 'settlement'],
    callee: 'seller',
    method: 'GET',
    path: '/internal/sellers/{id}',
  }),
  'seller.sellers.approve': call({
    callers: ['admin'],
    callee: 'seller',
    method: 'POST',
    path: '/internal/sellers/{id}/approve',
  }),
  'seller.sellers.reject': call({
    callers: ['admin'],
    callee: 'seller',
    method: 'POST',
    path: '/internal/sellers/{id}/reject',
  }),
  'seller.sellers.suspend': call({
    callers: ['admin'],
    callee: 'seller',
    method: 'POST',
    path: '/internal/sellers/{id}/suspend',
  }),

  // Products.
  'product.products.list': call({
    callers: ['admin'],
    callee: 'product',
    method: 'GET',
    path: '/internal/products',
  }),
  'product.products.lookup': call({
    callers: ['user'],
    callee: 'product',
    method: 'POST',
    path: '/internal/products/lookup',
  }),
  'product.products.quote': call({
    callers: ['order'],
    callee: 'product',
    method: 'POST',
    path: '/internal/products/quote',
  }),
  'product.products.approve': call({
    callers: ['admin'],
    callee: 'product',
    method: 'PATCH',
    path: '/internal/products/{id}/approve',
  }),
  'product.products.reject': call({
    callers: ['admin'],
    callee: 'product',
    method: 'PATCH',
    path: '/internal/products/{id}/reject',
  }),

  // Moderation that holds: sellers' edits of approved products, and the dashboard's review queue.
  'product.revisions.list': call({
    callers: ['admin'],
    callee: 'product',
    method: 'GET',
    path: '/internal/revisions',
  }),
  'product.revisions.approve': call({
    callers: ['admin'],
    callee: 'product',
    method: 'PATCH',
    path: '/internal/revisions/{id}/approve',
  }),
  'product.revisions.reject': call({
    callers: ['admin'],
    callee: 'product',
    method: 'PATCH',
    path: '/internal/revisions/{id}/reject',
  }),
  'product.reviewQueue': call({
    callers: ['admin'],
    callee: 'product',
    method: 'GET',
    path: '/internal/review-queue',
  }),
  // The dashboard's low-stock list (flow 4.3 step 2).
  'inventory.lowStock.list': call({
    callers: ['admin'],
    callee: 'inventory',
    method: 'GET',
    path: '/internal/low-stock',
  }),

  // Ordering.
  'inventory.reservations.create': call({
    callers: ['order'],
    callee: 'inventory',
    method: 'POST',
    path: '/internal/reservations',
  }),
  'inventory.availability.read': call({
    callers: ['order'],
    callee: 'inventory',
    method: 'POST',
    path: '/internal/availability',
  }),
  'inventory.reservations.release': call({
    callers: ['order'],
    callee: 'inventory',
    method: 'POST',
    path: '/internal/reservations/{orderId}/release',
  }),
  'coupon.coupons.validate': call({
    callers: ['order'],
    callee: 'coupon',
    method: 'POST',
    path: '/internal/coupons/validate',
  }),

  // Files: the uploader's file, checked before it is attached.
  'file.files.get': call({
    callers: ['coupon', 'product', 'review', 'seller'],
    callee: 'file',
    method: 'GET',
    path: '/internal/files/{id}',
  }),

  // The back office (admin).
  // Refunds the PG refused (a virtual account without its refund account, a closed account…): listed and retried.
  'payment.refunds.list': call({
    callers: ['admin'],
    callee: 'payment',
    method: 'GET',
    path: '/internal/refunds',
  }),
  'payment.refunds.retry': call({
    callers: ['admin'],
    callee: 'payment',
    method: 'POST',
    path: '/internal/refunds/{id}/retry',
  }),
  'settlement.settlements.run': call({
    callers: ['admin'],
    callee: 'settlement',
    method: 'POST',
    path: '/internal/settlements/run',
  }),
  'settlement.summary': call({
    callers: ['admin'],
    callee: 'settlement',
    method: 'GET',
    path: '/internal/summary',
  }),
  'stats.dashboard': call({
    callers: ['admin'],
    callee: 'stats',
    method: 'GET',
    path: '/internal/dashboard',
  }),
  // System settings, handed to the service that applies each (configs.ts).
  'settlement.configs.put': call({
    callers: ['admin'],
    callee: 'settlement',
    method: 'PUT',
    path: '/internal/configs/{key}',
  }),
  'stats.configs.put': call({
    callers: ['admin'],
    callee: 'stats',
    method: 'PUT',
    path: '/internal/configs/{key}',
  }),
  'notification.configs.put': call({
    callers: ['admin'],
    callee: 'notification',
    method: 'PUT',
    path: '/internal/configs/{key}',
  }),
  'notification.templates.list': call({
    callers: ['admin'],
    callee: 'notification',
    method: 'GET',
    path: '/internal/templates',
  }),
  'notification.templates.get': call({
    callers: ['admin'],
    callee: 'notification',
    method: 'GET',
    path: '/internal/templates/{template}',
  }),
  'notification.templates.put': call({
    callers: ['admin'],
    callee: 'notification',
    method: 'PUT',
    path: '/internal/templates/{template}/{channel}',
  }),
  'notification.templates.preview': call({
    callers: ['admin'],
    callee: 'notification',
    method: 'POST',
    path: '/internal/templates/{template}/preview',
  }),
  'notification.templates.rollback': call({
    callers: ['admin'],
    callee: 'notification',
    method: 'POST',
    path: '/internal/templates/{template}/{channel}/rollback',
  }),
  'notification.templates.disable': call({
    callers: ['admin'],
    callee: 'notification',
    method: 'POST',
    path: '/internal/templates/{template}/{channel}/disable',
  }),
} as const satisfies Record<string, CallSpec>;

export type CallName = keyof typeof calls;
export const callNames = Object.keys(calls) as CallName[];

/** A path template with each `{name}` replaced by `${string}`, so a built path type-checks against it. */
type Filled<P extends string> = P extends `${infer A}{${string}}${infer B}` ? `${A}${string}${Filled<B>}` : P;

/** The apps that are invoked by some other app. */
export type Callee = (typeof calls)[CallName]['callee'];

/** The paths that may be invoked on `A` (by some caller; the kit checks the caller at run time). */
export type CallPath<A extends ServiceName> = {
  [K in CallName]: (typeof calls)[K]['callee'] extends A ? Filled<(typeof calls)[K]['path']> : never;
}[CallName];

const segment = /\{[^/}]+\}/g;
const matchers = new Map(
  callNames.map((n) => {
    const escaped = calls[n].path.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    return [n, new RegExp(`^${escaped.replace(segment, '[^/]+')}$`)];
  }),
);

/**
 * The listed call that `caller` makes when it sends `method path` to `callee` (the path as sent,
 * without its query), or undefined when no listed call matches.
 */
export function findCall(
  caller: ServiceName,
  callee: ServiceName,
  method: string,
  path: string,
): CallName | undefined {
  const p = path.split('?')[0]!;
  return callNames.find((n) => {
    const c: CallSpec = calls[n];
    return (
      c.callee === callee &&
      c.method === method.toUpperCase() &&
      c.callers.includes(caller) &&
      matchers.get(n)!.test(p)
    );
  });
}

/** The calls `callee` answers, each with its callers. */
export const callsTo = (callee: ServiceName): CallSpec[] =>
  callNames.map((n) => calls[n] as CallSpec).filter((c) => c.callee === callee);
