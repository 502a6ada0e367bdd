import { type App, createRoute, jsonBody, jsonResponse, problems, z } from '@mp/platform';
import type { UserDeps } from '../config.ts';
import { createUser, toUserDto } from '../domain/users.ts';
import { mobile, password, userDto } from './schemas.ts';

const signupBody = z.object({
  email: z.email().max(254),
  password,
  name: z.string().trim().min(1).max(50),
  phone: mobile.optional(),
  role: z.enum(['buyer', 'seller']).default('buyer'),
});

const signup = createRoute({
  method: 'post',
  path: '/api/v1/users',
  summary: 'Sign up as a buyer or a seller',
  request: { body: jsonBody(signupBody) },
  responses: { 201: jsonResponse(userDto, 'The new account'), ...problems(400, 409) },
});

export function signupRoutes(app: App, deps: UserDeps) {
  app.openapi(signup, async (c) => {
    const body = c.req.valid('json');
    const user = await createUser(deps, { ...body, phone: body.phone ?? null });
    return c.json(toUserDto(user), 201);
  });
}
