import {
  type App,
  createRoute,
  decodeCursor,
  jsonBody,
  jsonResponse,
  keysetPage,
  notFound,
  pageOf,
  pageQuery,
  problems,
  unauthorized,
  z,
} from '@mp/platform';
import type { UserDeps } from '../config.ts';
import { verifyPassword } from '../domain/passwords.ts';
import type { UserRow } from '../domain/users.ts';
import {
  accountForExternalIdentity,
  findById,
  findLiveByEmail,
  markEmailVerified,
  setPassword,
  setStatus,
} from '../domain/users.ts';
import { password } from './schemas.ts';

const role = z.enum(['buyer', 'seller', 'admin']);
const status = z.enum(['ACTIVE', 'SUSPENDED', 'DELETED']);
/** Contract 2: what other services learn about an account. */
const internalUser = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    role,
    status,
    emailVerified: z.boolean(),
  })
  .openapi('InternalUser');
const adminUser = internalUser
  .extend({
    grade: z.string(),
    hasPassword: z.boolean(),
    createdAt: z.string(),
    suspendedReason: z.string().nullable(),
  })
  .openapi('AdminUser');

const toInternal = (u: UserRow) => ({
  userId: u.id,
  email: u.email,
  name: u.name,
  phone: u.phone,
  role: u.role,
  status: u.status,
  emailVerified: u.email_verified_at !== null,
});
const toAdmin = (u: UserRow) => ({
  ...toInternal(u),
  grade: u.grade,
  hasPassword: u.password_hash !== null,
  createdAt: u.created_at.toISOString(),
  suspendedReason: u.suspended_reason,
});

const userIdParam = z.object({ userId: z.string().max(64) });

const verifyCredentials = createRoute({
  method: 'post',
  path: '/internal/credentials/verify',
  summary: 'Checks an email and password (auth calls this through Dapr)',
  request: { body: jsonBody(z.object({ email: z.string().max(254), password: z.string().max(128) })) },
  responses: {
    200: jsonResponse(
      z.object({ userId: z.string(), role, status: z.string(), email: z.string() }),
      'The account the credentials belong to',
    ),
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
const lookup = createRoute({
  method: 'post',
  path: '/internal/users/lookup',
  summary: 'The live account with this email (auth: password reset)',
  request: { body: jsonBody(z.object({ email: z.string().max(254) })) },
  responses: { 200: jsonResponse(adminUser, 'The account'), ...problems(400, 404) },
});
const external = createRoute({
  method: 'post',
  path: '/internal/users/external',
  summary: 'The account an OIDC provider vouches for, created on first sign-in (auth: social login)',
  request: {
    body: jsonBody(
      z.object({
        email: z.email().max(254),
        emailVerified: z.boolean(),
        name: z.string().trim().min(1).max(50),
      }),
    ),
  },
  responses: {
    200: jsonResponse(
      internalUser.extend({ created: z.boolean(), takenOver: z.boolean() }),
      'An existing account (takenOver: a never-verified one whose password was removed)',
    ),
    201: jsonResponse(internalUser.extend({ created: z.boolean(), takenOver: z.boolean() }), 'A new account'),
    ...problems(400, 409),
  },
});
const putPassword = createRoute({
  method: 'put',
  path: '/internal/users/{userId}/password',
  summary: 'Sets a new password (auth: password reset confirmed)',
  request: { params: userIdParam, body: jsonBody(z.object({ password })) },
  responses: { 204: { description: 'Set' }, ...problems(400, 404) },
});
const emailVerified = createRoute({
  method: 'post',
  path: '/internal/users/{userId}/email-verified',
  summary: 'The account proved it owns its email (auth: verification link confirmed); repeatable',
  request: { params: userIdParam },
  responses: { 204: { description: 'Verified' }, ...problems(404) },
});
const statusBody = jsonBody(
  z.object({ reason: z.string().trim().min(1).max(500).optional(), adminId: z.string().max(64).optional() }),
);
const suspend = createRoute({
  method: 'post',
  path: '/internal/users/{userId}/suspend',
  summary: 'Suspends an account (admin); repeating it is harmless',
  request: { params: userIdParam, body: statusBody },
  responses: {
    200: jsonResponse(adminUser.extend({ changed: z.boolean() }), 'The account'),
    ...problems(400, 404, 422),
  },
});
const restore = createRoute({
  method: 'post',
  path: '/internal/users/{userId}/restore',
  summary: 'Restores a suspended account (admin)',
  request: { params: userIdParam, body: statusBody },
  responses: {
    200: jsonResponse(adminUser.extend({ changed: z.boolean() }), 'The account'),
    ...problems(400, 404),
  },
});
const list = createRoute({
  method: 'get',
  path: '/internal/users',
  summary: 'Accounts, newest first, filtered (admin)',
  request: {
    query: pageQuery.extend({
      status: status.optional(),
      role: role.optional(),
      q: z.string().trim().min(1).max(100).optional(),
    }),
  },
  responses: { 200: jsonResponse(pageOf(adminUser), 'Accounts'), ...problems(400) },
});

/** Routes only other services reach, through Dapr service invocation. */
export function internalRoutes(app: App, deps: UserDeps) {
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

  app.openapi(lookup, async (c) => {
    const user = await findLiveByEmail(db, c.req.valid('json').email);
    if (!user) throw notFound('USER_NOT_FOUND', 'No such account');
    return c.json(toAdmin(user), 200);
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

  app.openapi(suspend, async (c) => {
    const { user, changed } = await setStatus(
      deps,
      c.req.valid('param').userId,
      'SUSPENDED',
      c.req.valid('json').reason,
    );
    return c.json({ ...toAdmin(user), changed }, 200);
  });

  app.openapi(restore, async (c) => {
    const { user, changed } = await setStatus(deps, c.req.valid('param').userId, 'ACTIVE');
    return c.json({ ...toAdmin(user), changed }, 200);
  });

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ id: z.uuid() }));
    let query = db
      .selectFrom('users')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.role) query = query.where('role', '=', q.role);
    if (q.q) {
      const like = `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      query = query.where((eb) => eb.or([eb('email', 'ilike', like), eb('name', 'ilike', like)]));
    }
    if (after) query = query.where('id', '<', after.id);
    const rows = await query.execute();
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({ id: last.id }));
    return c.json(
      {
        items: page.map(toAdmin),
        nextCursor,
      },
      200,
    );
  });
}
