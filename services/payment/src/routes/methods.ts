import {
  type App,
  createRoute,
  idempotent,
  isId,
  jsonBody,
  jsonResponse,
  notFound,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import type { PaymentContext } from '../domain/context.ts';
import { toMethodDto } from '../domain/method-dto.ts';
import { listMethods, registerMethod, removeMethod, updateMethod } from '../domain/method-registry.ts';
import { methodDto } from './schemas.ts';

/** A method id in a path: anything that is not one of ours is simply not found (404). */
const idParam = z.object({ id: z.string().min(1).max(64) });

const customerKey = createRoute({
  method: 'get',
  path: '/api/v1/payments/methods/customer-key',
  summary: "The buyer's Toss customerKey, to open the card registration window (requestBillingAuth) with",
  middleware: [requireRole('buyer')] as const,
  responses: {
    200: jsonResponse(z.object({ customerKey: z.string() }), 'The customerKey'),
    ...problems(401, 403),
  },
});

const register = createRoute({
  method: 'post',
  path: '/api/v1/payments/methods',
  summary:
    '카드 등록: save the card the registration window authorised (its authKey, for my customerKey). A repeat answers the saved card (200).',
  middleware: [requireRole('buyer')] as const,
  request: {
    body: jsonBody(
      z.object({
        authKey: z.string().min(1).max(300),
        customerKey: z.string().regex(/^[A-Za-z0-9_=.@-]{2,50}$/, '2–50 of A-Z a-z 0-9 - _ = . @'),
      }),
    ),
  },
  responses: {
    201: jsonResponse(methodDto, 'Saved'),
    200: jsonResponse(methodDto, 'Saved before (the same registration)'),
    ...problems(400, 401, 403, 409, 422, 502, 503),
  },
});

const list = createRoute({
  method: 'get',
  path: '/api/v1/payments/methods',
  summary: 'My saved payment methods, the default first, then newest first',
  middleware: [requireRole('buyer')] as const,
  responses: {
    200: jsonResponse(z.object({ items: z.array(methodDto) }), 'Saved methods'),
    ...problems(401, 403),
  },
});

const update = createRoute({
  method: 'patch',
  path: '/api/v1/payments/methods/{id}',
  summary: 'Rename a saved method (nickname; null clears it) or make it the default',
  middleware: [requireRole('buyer')] as const,
  request: {
    params: idParam,
    body: jsonBody(
      z
        .object({
          nickname: z.string().trim().min(1).max(30).nullable().optional(),
          isDefault: z.literal(true).optional(),
        })
        .strict()
        .refine((b) => b.nickname !== undefined || b.isDefault !== undefined, {
          message: 'give nickname or isDefault',
          path: ['nickname'],
        }),
    ),
  },
  responses: { 200: jsonResponse(methodDto, 'Updated'), ...problems(400, 401, 403, 404) },
});

const remove = createRoute({
  method: 'delete',
  path: '/api/v1/payments/methods/{id}',
  summary: 'Remove a saved method (its billing key is deleted at the PG too)',
  middleware: [requireRole('buyer')] as const,
  request: { params: idParam },
  responses: { 204: { description: 'Removed' }, ...problems(400, 401, 403, 404, 409) },
});

const methodNotFound = () => notFound('PAYMENT_METHOD_NOT_FOUND', 'No such saved payment method');

/** 결제 수단 관리: a buyer's saved cards (Toss 자동결제 billing keys). */
export function methodRoutes(app: App, ctx: PaymentContext) {
  app.openapi(customerKey, (c) =>
    c.json({ customerKey: ctx.methods.customerKeyOf(principalOf(c).userId) }, 200),
  );

  const registration = idempotent(ctx.db, 'payments.methods.register');
  app.post('/api/v1/payments/methods', registration);
  app.openapi(register, async (c) => {
    const { userId } = principalOf(c);
    const { method, created } = await registerMethod(ctx, { ...c.req.valid('json'), userId });
    return created ? c.json(toMethodDto(method), 201) : c.json(toMethodDto(method), 200);
  });

  app.openapi(list, async (c) => {
    const items = await listMethods(ctx, principalOf(c).userId);
    return c.json({ items: items.map(toMethodDto) }, 200);
  });

  app.openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    if (!isId(id)) throw methodNotFound();
    const m = await updateMethod(ctx, principalOf(c).userId, id, c.req.valid('json'));
    return c.json(toMethodDto(m), 200);
  });

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    if (!isId(id)) throw methodNotFound();
    await removeMethod(ctx, principalOf(c).userId, id);
    return c.body(null, 204);
  });
}
