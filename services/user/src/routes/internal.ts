import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  problems,
  type ServiceDeps,
  unauthorized,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { verifyPassword } from '../domain/passwords.ts';
import { findLiveByEmail } from '../domain/users.ts';

const verifyCredentials = createRoute({
  method: 'post',
  path: '/internal/credentials/verify',
  summary: 'Checks an email and password (auth calls this through Dapr)',
  request: { body: jsonBody(z.object({ email: z.string().max(254), password: z.string().max(128) })) },
  responses: {
    200: jsonResponse(
      z.object({
        userId: z.string(),
        role: z.enum(['buyer', 'seller', 'admin']),
        status: z.string(),
        email: z.string(),
      }),
      'The account the credentials belong to',
    ),
    ...problems(400, 401),
  },
});

/** Routes only auth reaches, through Dapr service invocation. */
export function internalRoutes(app: App, { db }: ServiceDeps<Database>) {
  app.openapi(verifyCredentials, async (c) => {
    const { email, password } = c.req.valid('json');
    const user = await findLiveByEmail(db, email);
    // Unknown email and wrong password look the same, and take as long.
    if (!(await verifyPassword(user?.password_hash, password)) || !user) {
      throw unauthorized('INVALID_CREDENTIALS', 'The email or password is wrong');
    }
    return c.json({ userId: user.id, role: user.role, status: user.status, email: user.email }, 200);
  });
}
