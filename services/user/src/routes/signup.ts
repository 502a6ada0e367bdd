import { type App, createRoute, jsonBody, jsonResponse, problems, type ServiceDeps, z } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { createUser, toUserDto } from '../domain/users.ts';

export const userDto = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    role: z.enum(['buyer', 'seller', 'admin']),
    grade: z.string(),
    status: z.string(),
    createdAt: z.string(),
  })
  .openapi('User');

const signupBody = z.object({
  email: z.email().max(254),
  password: z.string().min(8, 'at least 8 characters').max(128),
  name: z.string().trim().min(1).max(50),
  phone: z
    .string()
    .regex(/^01[016789]-?\d{3,4}-?\d{4}$/, 'a Korean mobile number like 010-1234-5678')
    .optional(),
  role: z.enum(['buyer', 'seller']).default('buyer'),
});

const signup = createRoute({
  method: 'post',
  path: '/api/v1/users',
  summary: 'Sign up as a buyer or a seller',
  request: { body: jsonBody(signupBody) },
  responses: { 201: jsonResponse(userDto, 'The new account'), ...problems(400, 409) },
});

export function signupRoutes(app: App, deps: ServiceDeps<Database>) {
  app.openapi(signup, async (c) => {
    const body = c.req.valid('json');
    const user = await createUser(deps, { ...body, phone: body.phone ?? null });
    return c.json(toUserDto(user), 201);
  });
}
