import {
  credentials,
  externalAccount,
  externalIdentity,
  internalUser,
  lookedUpUser,
  newPassword,
  userBatch,
  userBatchRequest,
  userLookup,
  verifiedCredentials,
} from '@mp/contracts';
import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  notFound,
  problems,
  unauthorized,
} from '@mp/platform';
import type { UserDeps } from '../config.ts';
import { accountForExternalIdentity } from '../domain/external-identity.ts';
import { verifyPassword } from '../domain/passwords.ts';
import { findById, findByIds, findLiveByEmail, markEmailVerified, setPassword } from '../domain/users.ts';
import { toInternal, userIdParam } from './internal-schemas.ts';

const verifyCredentials = createRoute({
  method: 'post',
  path: '/internal/credentials/verify',
  summary: 'Checks an email and password (auth calls this through Dapr)',
  request: { body: jsonBody(credentials) },
  responses: {
    200: jsonResponse(verifiedCredentials, 'The account the credentials belong to'),
    ...problems(400, 401),
  },
});
const getUser = createRoute({
  method: 'get',
  path: '/internal/users/{userId}',
  summary: 'One account; a deleted one answers with status DELETED and no personal data',
  request: { params: userIdParam },
  responses: { 200: jsonResponse(internalUser, 'The account'), ...problems(404) },
});
const getUsers = createRoute({
  method: 'post',
  path: '/internal/users/batch',
  summary:
    "Several accounts in one call (notification: a batch of events' recipients); unknown ids are left out",
  request: { body: jsonBody(userBatchRequest) },
  responses: { 200: jsonResponse(userBatch, 'The accounts found'), ...problems(400) },
});
const lookup = createRoute({
  method: 'post',
  path: '/internal/users/lookup',
  summary: 'The live account with this email (auth: password reset)',
  request: { body: jsonBody(userLookup) },
  responses: { 200: jsonResponse(lookedUpUser, 'The account'), ...problems(400, 404) },
});
const external = createRoute({
  method: 'post',
  path: '/internal/users/external',
  summary: 'The account an OIDC provider vouches for, created on first sign-in (auth: social login)',
  request: { body: jsonBody(externalIdentity) },
  responses: {
    200: jsonResponse(
      externalAccount,
      'An existing account (takenOver: a never-verified one whose password was removed)',
    ),
    201: jsonResponse(externalAccount, 'A new account'),
    ...problems(400, 409),
  },
});
const putPassword = createRoute({
  method: 'put',
  path: '/internal/users/{userId}/password',
  summary: 'Sets a new password (auth: password reset confirmed)',
  request: { params: userIdParam, body: jsonBody(newPassword) },
  responses: { 204: { description: 'Set' }, ...problems(400, 404) },
});
const emailVerified = createRoute({
  method: 'post',
  path: '/internal/users/{userId}/email-verified',
  summary: 'The account proved it owns its email (auth: verification link confirmed); repeatable',
  request: { params: userIdParam },
  responses: { 204: { description: 'Verified' }, ...problems(404) },
});
/** What auth and others ask of accounts: credentials, lookups, social sign-in, password and email proofs. */
export function accountRoutes(app: App, deps: UserDeps) {
  const { db } = deps;
  app.openapi(verifyCredentials, async (c) => {
    const { email, password } = c.req.valid('json');
    const user = await findLiveByEmail(db, email);
    // Unknown email and wrong password look the same, and take as long.
    if (!(await verifyPassword(user?.password_hash, password)) || !user) {
      throw unauthorized('INVALID_CREDENTIALS', 'The email or password is wrong');
    }
    return c.json({ userId: user.id, role: user.role, status: user.status, email: user.email }, 200);
  });

  app.openapi(getUser, async (c) => {
    const user = await findById(db, c.req.valid('param').userId);
    if (!user) throw notFound('USER_NOT_FOUND', 'No such account');
    return c.json(toInternal(user), 200);
  });

  app.openapi(getUsers, async (c) => {
    const users = await findByIds(db, c.req.valid('json').userIds);
    return c.json({ users: users.map(toInternal) }, 200);
  });

  app.openapi(lookup, async (c) => {
    const user = await findLiveByEmail(db, c.req.valid('json').email);
    if (!user) throw notFound('USER_NOT_FOUND', 'No such account');
    return c.json({ ...toInternal(user), hasPassword: user.password_hash !== null }, 200);
  });

  app.openapi(external, async (c) => {
    const { user, created, takenOver } = await accountForExternalIdentity(deps, c.req.valid('json'));
    return created
      ? c.json({ ...toInternal(user), created, takenOver }, 201)
      : c.json({ ...toInternal(user), created, takenOver }, 200);
  });

  app.openapi(putPassword, async (c) => {
    // Only auth sets a password this way, for a confirmed reset: the mailbox is proven.
    await setPassword(deps, c.req.valid('param').userId, c.req.valid('json').password, true);
    return c.body(null, 204);
  });

  app.openapi(emailVerified, async (c) => {
    await markEmailVerified(deps, c.req.valid('param').userId);
    return c.body(null, 204);
  });
}
