import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import {
  changeCart,
  MAX_QUANTITY,
  mergeInto,
  priceCart,
  readCart,
  removeLine,
  setQuantity,
} from '../domain/cart.ts';
import type { OrderContext } from '../domain/context.ts';
import { quote } from '../domain/upstream.ts';
import { cartDto, line } from './schemas.ts';

const buyer = requireRole('buyer');
const skuParam = z.object({ sku: z.string().min(1).max(100) });
const reply = jsonResponse(cartDto, 'The cart at current prices');

const get = createRoute({
  method: 'get',
  path: '/api/v1/cart',
  summary: 'My cart, re-priced now',
  middleware: [buyer] as const,
  responses: { 200: reply, ...problems(401, 403) },
});
const add = createRoute({
  method: 'post',
  path: '/api/v1/cart/items',
  summary: 'Add a product option (SKU); the same SKU again adds to its quantity',
  middleware: [buyer] as const,
  request: { body: jsonBody(line) },
  responses: { 200: reply, ...problems(400, 401, 403, 404, 409) },
});
const merge = createRoute({
  method: 'post',
  path: '/api/v1/cart/merge',
  summary: 'Merge a guest cart (kept by the client before sign-in) into mine',
  middleware: [buyer] as const,
  request: { body: jsonBody(z.object({ items: z.array(line).min(1).max(50) })) },
  responses: { 200: reply, ...problems(400, 401, 403) },
});
const patch = createRoute({
  method: 'patch',
  path: '/api/v1/cart/items/{sku}',
  summary: "Set a line's quantity",
  middleware: [buyer] as const,
  request: { params: skuParam, body: jsonBody(z.object({ quantity: z.int().min(1).max(MAX_QUANTITY) })) },
  responses: { 200: reply, ...problems(400, 401, 403, 404) },
});
const remove = createRoute({
  method: 'delete',
  path: '/api/v1/cart/items/{sku}',
  summary: 'Remove a line',
  middleware: [buyer] as const,
  request: { params: skuParam },
  responses: { 200: reply, ...problems(401, 403, 404) },
});
const clear = createRoute({
  method: 'delete',
  path: '/api/v1/cart',
  summary: 'Empty my cart',
  middleware: [buyer] as const,
  responses: { 200: reply, ...problems(401, 403) },
});

export function cartRoutes(app: App, ctx: OrderContext) {
  const { dapr, rules } = ctx;
  const show = async (userId: string, cart?: Awaited<ReturnType<typeof readCart>>) =>
    priceCart(dapr, cart ?? (await readCart(dapr, userId)), rules);

  app.openapi(get, async (c) => c.json(await show(principalOf(c).userId), 200));
  app.openapi(add, async (c) => {
    const { userId } = principalOf(c);
    const item = c.req.valid('json');
    // Only products that exist and are sold go into a cart (product answers 404/409 otherwise).
    await quote(dapr, [item]);
    return c.json(
      await show(userId, await changeCart(dapr, userId, (items) => mergeInto(items, [item]))),
      200,
    );
  });
  app.openapi(merge, async (c) => {
    const { userId } = principalOf(c);
    const { items: guest } = c.req.valid('json');
    return c.json(
      await show(userId, await changeCart(dapr, userId, (items) => mergeInto(items, guest))),
      200,
    );
  });
  app.openapi(patch, async (c) => {
    const { userId } = principalOf(c);
    const { sku } = c.req.valid('param');
    const { quantity } = c.req.valid('json');
    return c.json(
      await show(userId, await changeCart(dapr, userId, (items) => setQuantity(items, sku, quantity))),
      200,
    );
  });
  app.openapi(remove, async (c) => {
    const { userId } = principalOf(c);
    const { sku } = c.req.valid('param');
    return c.json(await show(userId, await changeCart(dapr, userId, (items) => removeLine(items, sku))), 200);
  });
  app.openapi(clear, async (c) => {
    const { userId } = principalOf(c);
    return c.json(await show(userId, await changeCart(dapr, userId, () => [])), 200);
  });
}
