import type { z } from 'zod';
import * as accounts from './internal/accounts.ts';
import * as backoffice from './internal/backoffice.ts';
import * as files from './internal/files.ts';
import * as ordering from './internal/ordering.ts';
import * as sellers from './internal/sellers.ts';
import * as templates from './internal/templates.ts';
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
  /**
   * What the caller sends (the JSON body), the query it may add, and what the callee answers.
   * The callee's route declares the same schemas; the kit's `dapr.call` checks the request before
   * it is sent and the reply before the caller sees it (a reply that breaks `reply` is a 502).
   * Without `reply` the answer is not read (a 204, or one the caller ignores).
   */
  request?: z.ZodType;
  query?: z.ZodType;
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
    reply: accounts.openToken,
  }),
  // Likewise the email verification link's token.
  'auth.emailVerifications.get': call({
    callers: ['notification'],
    callee: 'auth',
    method: 'GET',
    path: '/internal/email-verifications/{verificationId}',
    reply: accounts.openToken,
  }),

  // Accounts: auth keeps credentials' use, user keeps the accounts.
  'user.credentials.verify': call({
    callers: ['auth'],
    callee: 'user',
    method: 'POST',
    path: '/internal/credentials/verify',
    request: accounts.credentials,
    reply: accounts.verifiedCredentials,
  }),
  'user.users.list': call({
    callers: ['admin', 'coupon'],
    callee: 'user',
    method: 'GET',
    path: '/internal/users',
    query: accounts.userListQuery,
    reply: accounts.userPage,
  }),
  'user.users.get': call({
    callers: ['admin', 'auth', 'coupon', 'notification'],
    callee: 'user',
    method: 'GET',
    path: '/internal/users/{id}',
    reply: accounts.internalUser,
  }),
  // A delivered batch's recipients in one call (notification's events arrive in batches).
  'user.users.batch': call({
    callers: ['notification'],
    callee: 'user',
    method: 'POST',
    path: '/internal/users/batch',
    request: accounts.userBatchRequest,
    reply: accounts.userBatch,
  }),
  'user.users.lookup': call({
    callers: ['auth'],
    callee: 'user',
    method: 'POST',
    path: '/internal/users/lookup',
    request: accounts.userLookup,
    reply: accounts.lookedUpUser,
  }),
  'user.users.external': call({
    callers: ['auth'],
    callee: 'user',
    method: 'POST',
    path: '/internal/users/external',
    request: accounts.externalIdentity,
    reply: accounts.externalAccount,
  }),
  'user.users.password': call({
    callers: ['auth'],
    callee: 'user',
    method: 'PUT',
    path: '/internal/users/{id}/password',
    request: accounts.newPassword,
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
    request: accounts.accountStatusChange,
    reply: accounts.changedAdminUser,
  }),
  'user.users.restore': call({
    callers: ['admin'],
    callee: 'user',
    method: 'POST',
    path: '/internal/users/{id}/restore',
    request: accounts.accountStatusChange,
    reply: accounts.changedAdminUser,
  }),

  // Sellers.
  'seller.sellers.list': call({
    callers: ['admin'],
    callee: 'seller',
    method: 'GET',
    path: '/internal/sellers',
    query: sellers.sellerListQuery,
    reply: sellers.sellerPage,
  }),
  'seller.sellers.get': call({
    callers: ['product', 'settlement'],
    callee: 'seller',
    method: 'GET',
    path: '/internal/sellers/{id}',
    reply: sellers.sellerSummary,
  }),
  'seller.sellers.approve': call({
    callers: ['admin'],
    callee: 'seller',
    method: 'POST',
    path: '/internal/sellers/{id}/approve',
    request: sellers.sellerApproval,
    reply: sellers.changedSeller,
  }),
  'seller.sellers.reject': call({
    callers: ['admin'],
    callee: 'seller',
    method: 'POST',
    path: '/internal/sellers/{id}/reject',
    request: sellers.sellerDecision,
    reply: sellers.sellerDto,
  }),
  'seller.sellers.suspend': call({
    callers: ['admin'],
    callee: 'seller',
    method: 'POST',
    path: '/internal/sellers/{id}/suspend',
    request: sellers.sellerDecision,
    reply: sellers.sellerDto,
  }),

  // Products.
  'product.products.list': call({
    callers: ['admin'],
    callee: 'product',
    method: 'GET',
    path: '/internal/products',
    query: backoffice.productQueueQuery,
    reply: backoffice.forwardedPage,
  }),
  'product.products.lookup': call({
    callers: ['user'],
    callee: 'product',
    method: 'POST',
    path: '/internal/products/lookup',
    request: ordering.productLookupRequest,
    reply: ordering.productLookupReply,
  }),
  'product.products.quote': call({
    callers: ['order'],
    callee: 'product',
    method: 'POST',
    path: '/internal/products/quote',
    request: ordering.quoteRequest,
    reply: ordering.quoteReply,
  }),
  'product.products.approve': call({
    callers: ['admin'],
    callee: 'product',
    method: 'PATCH',
    path: '/internal/products/{id}/approve',
    request: backoffice.moderation,
    reply: backoffice.forwarded,
  }),
  'product.products.reject': call({
    callers: ['admin'],
    callee: 'product',
    method: 'PATCH',
    path: '/internal/products/{id}/reject',
    request: backoffice.moderationWithReason,
    reply: backoffice.forwarded,
  }),

  // Moderation that holds: sellers' edits of approved products, and the dashboard's review queue.
  'product.revisions.list': call({
    callers: ['admin'],
    callee: 'product',
    method: 'GET',
    path: '/internal/revisions',
    query: backoffice.revisionQueueQuery,
    reply: backoffice.forwardedPage,
  }),
  'product.revisions.approve': call({
    callers: ['admin'],
    callee: 'product',
    method: 'PATCH',
    path: '/internal/revisions/{id}/approve',
    request: backoffice.moderation,
    reply: backoffice.forwarded,
  }),
  'product.revisions.reject': call({
    callers: ['admin'],
    callee: 'product',
    method: 'PATCH',
    path: '/internal/revisions/{id}/reject',
    request: backoffice.moderationWithReason,
    reply: backoffice.forwarded,
  }),
  'product.reviewQueue': call({
    callers: ['admin'],
    callee: 'product',
    method: 'GET',
    path: '/internal/review-queue',
    query: backoffice.sectionQuery(100, 10),
    reply: backoffice.forwarded,
  }),
  // The dashboard's low-stock list (inventory.low_stock).
  'inventory.lowStock.list': call({
    callers: ['admin'],
    callee: 'inventory',
    method: 'GET',
    path: '/internal/low-stock',
    query: backoffice.sectionQuery(200, 20),
    reply: backoffice.forwarded,
  }),

  // Ordering.
  'inventory.reservations.create': call({
    callers: ['order'],
    callee: 'inventory',
    method: 'POST',
    path: '/internal/reservations',
    request: ordering.reservationRequest,
  }),
  'inventory.availability.read': call({
    callers: ['order'],
    callee: 'inventory',
    method: 'POST',
    path: '/internal/availability',
    request: ordering.availabilityRequest,
    reply: ordering.availabilityReply,
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
    request: ordering.couponValidation,
    reply: ordering.couponGrant,
  }),

  // Files: the uploader's file, checked before it is attached.
  'file.files.get': call({
    callers: ['coupon', 'product', 'review', 'seller'],
    callee: 'file',
    method: 'GET',
    path: '/internal/files/{id}',
    reply: files.fileMetadata,
  }),

  // The back office (admin).
  // Refunds the PG refused (a virtual account without its refund account, a closed account…): listed and retried.
  'payment.refunds.list': call({
    callers: ['admin'],
    callee: 'payment',
    method: 'GET',
    path: '/internal/refunds',
    query: backoffice.refundQuery,
    reply: backoffice.refundList,
  }),
  'payment.refunds.retry': call({
    callers: ['admin'],
    callee: 'payment',
    method: 'POST',
    path: '/internal/refunds/{id}/retry',
    request: backoffice.refundRetry,
    reply: backoffice.forwarded,
  }),
  'settlement.settlements.run': call({
    callers: ['admin'],
    callee: 'settlement',
    method: 'POST',
    path: '/internal/settlements/run',
    request: backoffice.settlementRun,
    reply: backoffice.settlementRunResult,
  }),
  'settlement.summary': call({
    callers: ['admin'],
    callee: 'settlement',
    method: 'GET',
    path: '/internal/summary',
    reply: backoffice.forwarded,
  }),
  'stats.dashboard': call({
    callers: ['admin'],
    callee: 'stats',
    method: 'GET',
    path: '/internal/dashboard',
    reply: backoffice.forwarded,
  }),
  // System settings, handed to the service that applies each (configs.ts).
  'settlement.configs.put': call({
    callers: ['admin'],
    callee: 'settlement',
    method: 'PUT',
    path: '/internal/configs/{key}',
    request: backoffice.configPush,
    reply: backoffice.configInForce,
  }),
  'stats.configs.put': call({
    callers: ['admin'],
    callee: 'stats',
    method: 'PUT',
    path: '/internal/configs/{key}',
    request: backoffice.configPush,
    reply: backoffice.configInForce,
  }),
  'notification.configs.put': call({
    callers: ['admin'],
    callee: 'notification',
    method: 'PUT',
    path: '/internal/configs/{key}',
    request: backoffice.configPush,
    reply: backoffice.configInForce,
  }),
  'notification.templates.list': call({
    callers: ['admin'],
    callee: 'notification',
    method: 'GET',
    path: '/internal/templates',
    reply: templates.templateList,
  }),
  'notification.templates.get': call({
    callers: ['admin'],
    callee: 'notification',
    method: 'GET',
    path: '/internal/templates/{template}',
    reply: templates.templateDetail,
  }),
  'notification.templates.put': call({
    callers: ['admin'],
    callee: 'notification',
    method: 'PUT',
    path: '/internal/templates/{template}/{channel}',
    request: templates.templateVersion,
    reply: templates.templateDetail,
  }),
  'notification.templates.preview': call({
    callers: ['admin'],
    callee: 'notification',
    method: 'POST',
    path: '/internal/templates/{template}/preview',
    request: templates.templatePreview,
    reply: templates.templateRendering,
  }),
  'notification.templates.rollback': call({
    callers: ['admin'],
    callee: 'notification',
    method: 'POST',
    path: '/internal/templates/{template}/{channel}/rollback',
    request: templates.templateRollback,
    reply: templates.templateDetail,
  }),
  'notification.templates.disable': call({
    callers: ['admin'],
    callee: 'notification',
    method: 'POST',
    path: '/internal/templates/{template}/{channel}/disable',
    request: templates.templateDisable,
    reply: templates.templateDetail,
  }),
} as const satisfies Record<string, CallSpec>;

export type CallName = keyof typeof calls;
export const callNames = Object.keys(calls) as CallName[];

/** A path template with each `{name}` replaced by `${string}`, so a built path type-checks against it. */
type Filled<P extends string> = P extends `${infer A}{${string}}${infer B}` ? `${A}${string}${Filled<B>}` : P;

/** The `{name}`s of a path template. */
export type PathParams<P extends string> = P extends `${string}{${infer N}}${infer R}`
  ? N | PathParams<R>
  : never;

type Spec<N extends CallName> = (typeof calls)[N];

/** What `dapr.call(name, …)` takes: the path's params, the body and the query the contract has. */
export type CallArgs<N extends CallName> = ([PathParams<Spec<N>['path']>] extends [never]
  ? unknown
  : { params: Record<PathParams<Spec<N>['path']>, string> }) &
  (Spec<N> extends { request: infer R extends z.ZodType } ? { body: z.input<R> } : unknown) &
  (Spec<N> extends { query: infer Q extends z.ZodType } ? { query?: z.input<Q> } : unknown);

/** What `dapr.call(name, …)` answers: the reply schema's output, or nothing. */
export type CallReply<N extends CallName> =
  Spec<N> extends { reply: infer R extends z.ZodType } ? z.output<R> : undefined;

/** The path of a call with its params filled in (each encoded as one segment). */
export function callPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(segment, (m) => {
    const v = params[m.slice(1, -1)];
    if (v === undefined) throw new Error(`${path}: no value for ${m}`);
    return encodeURIComponent(v);
  });
}

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
