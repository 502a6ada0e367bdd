import {
  type App,
  createRoute,
  forbidden,
  jsonBody,
  jsonResponse,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import { gradePolicy, type UserContext } from '../config.ts';
import { deleteAccount } from '../domain/account-status.ts';
import { netPaidInWindow, nextGrade, purchaseCounters } from '../domain/grades.ts';
import { changePassword, reauthenticate } from '../domain/reauth.ts';
import { VIEWS_STORE, viewsKey, WISHLISTS_STORE, wishlistKey } from '../domain/saved-lists.ts';
import { liveUser, toUserDto, updateProfile } from '../domain/users.ts';
import { mobile, password, userDto } from './schemas.ts';

const getMe = createRoute({
  method: 'get',
  path: '/api/v1/users/me',
  summary: 'My profile',
  middleware: [requireRole()] as const,
  responses: { 200: jsonResponse(userDto, 'The profile'), ...problems(401, 404) },
});

const patchMe = createRoute({
  method: 'patch',
  path: '/api/v1/users/me',
  summary: 'Change my profile (the email stays; it is the sign-in name)',
  middleware: [requireRole()] as const,
  request: {
    body: jsonBody(
      z
        .object({
          name: z.string().trim().min(1).max(50).optional(),
          phone: mobile.nullable().optional(),
          marketingConsent: z.boolean().optional(),
        })
        .strict(),
    ),
  },
  responses: { 200: jsonResponse(userDto, 'The changed profile'), ...problems(400, 401, 404) },
});

const deleteMe = createRoute({
  method: 'delete',
  path: '/api/v1/users/me',
  summary: 'Delete my account (회원 탈퇴): personal data is scrubbed and every session ends',
  description:
    'Needs re-authentication: `currentPassword` for an account with a password (checks are throttled: 429), ' +
    'or a sign-in within REAUTH_MAX_AGE_SECONDS for one without (403 RECENT_SIGN_IN_REQUIRED).',
  middleware: [requireRole()] as const,
  request: { body: jsonBody(z.object({ currentPassword: z.string().min(1).max(128).optional() })) },
  responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 403, 404, 422, 429, 503) },
});

const putPassword = createRoute({
  method: 'put',
  path: '/api/v1/users/me/password',
  summary: 'Change my password; every session ends and must sign in again',
  middleware: [requireRole()] as const,
  request: {
    body: jsonBody(z.object({ currentPassword: z.string().min(1).max(128), newPassword: password })),
  },
  responses: { 204: { description: 'Changed' }, ...problems(400, 401, 404, 409, 422, 429, 503) },
});

const getGrade = createRoute({
  method: 'get',
  path: '/api/v1/users/me/grade',
  summary: 'My grade (등급), the amount behind it and my purchase counters',
  middleware: [requireRole()] as const,
  responses: {
    200: jsonResponse(
      z.object({
        grade: z.string(),
        windowDays: z.int(),
        paidAmountInWindow: z.int(),
        next: z.object({ grade: z.string(), minAmount: z.int(), remaining: z.int() }).nullable(),
        purchases: z.object({
          paidOrders: z.int(),
          /** Paid orders with a parcel on its way or delivered (shipping.dispatched). */
          shippedOrders: z.int(),
          completedOrders: z.int(),
          totalPaidAmount: z.int(),
        }),
      }),
      'Grade and purchases',
    ),
    ...problems(401, 404),
  },
});

export function meRoutes(app: App, deps: UserContext) {
  const { db } = deps;
  app.openapi(getMe, async (c) => c.json(toUserDto(await liveUser(db, principalOf(c).userId)), 200));

  app.openapi(patchMe, async (c) => {
    const user = await updateProfile(deps, principalOf(c).userId, c.req.valid('json'));
    return c.json(toUserDto(user), 200);
  });

  app.openapi(deleteMe, async (c) => {
    const principal = principalOf(c);
    const { userId } = principal;
    const user = await liveUser(db, userId);
    // An admin is refused before any password is checked (another admin removes it).
    if (user.role === 'admin')
      throw forbidden('ADMIN_CANNOT_DELETE', 'An admin account is removed by another admin');
    await reauthenticate(deps, principal, user, c.req.valid('json').currentPassword);
    await deleteAccount(deps, userId);
    // The saved lists go too; the account is gone either way, so a failure here is only logged.
    for (const [store, key] of [
      [WISHLISTS_STORE, wishlistKey(userId)],
      [VIEWS_STORE, viewsKey(userId)],
    ] as const) {
      await deps.dapr
        .deleteState(store, key)
        .catch((err) =>
          deps.log.error({ err, store, userId }, 'saved list of a deleted account not removed'),
        );
    }
    return c.body(null, 204);
  });

  app.openapi(putPassword, async (c) => {
    const { currentPassword, newPassword } = c.req.valid('json');
    await changePassword(deps, principalOf(c).userId, currentPassword, newPassword);
    return c.body(null, 204);
  });

  app.openapi(getGrade, async (c) => {
    const user = await liveUser(db, principalOf(c).userId);
    const policy = gradePolicy(deps.config);
    const paid = await netPaidInWindow(db, user.id, policy.windowDays);
    return c.json(
      {
        grade: user.grade,
        windowDays: policy.windowDays,
        paidAmountInWindow: paid,
        next: nextGrade(policy, paid),
        purchases: await purchaseCounters(db, user.id),
      },
      200,
    );
  });
}
