import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  notFound,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  unprocessable,
  z,
} from '@mp/platform';
import type { UserDeps } from '../config.ts';
import { lookupProducts } from '../domain/products.ts';
import {
  changeList,
  pageOfList,
  readList,
  type SavedItem,
  VIEWS_STORE,
  viewsKey,
  WISHLISTS_STORE,
  wishlistKey,
} from '../domain/saved-lists.ts';
import { productIdParam, productSummary } from './schemas.ts';

const savedPage = (name: string) =>
  z
    .object({
      items: z.array(z.object({ productId: z.string(), at: z.string(), product: productSummary.nullable() })),
      nextCursor: z.string().nullable(),
      /** False when product could not answer: items then carry only their ids. */
      enriched: z.boolean(),
    })
    .openapi(name);

const productBody = jsonBody(z.object({ productId: z.string().min(1).max(64) }));

const getWishlist = createRoute({
  method: 'get',
  path: '/api/v1/users/me/wishlist',
  summary: 'My wishlist (찜 목록), newest first, with product data when product answers',
  middleware: [requireRole()] as const,
  request: { query: pageQuery },
  responses: { 200: jsonResponse(savedPage('WishlistPage'), 'Wishlist'), ...problems(400, 401) },
});
const addWishlist = createRoute({
  method: 'post',
  path: '/api/v1/users/me/wishlist',
  summary: 'Add a product to my wishlist (adding it again changes nothing)',
  middleware: [requireRole()] as const,
  request: { body: productBody },
  responses: {
    201: jsonResponse(z.object({ productId: z.string(), at: z.string() }), 'Added'),
    200: jsonResponse(z.object({ productId: z.string(), at: z.string() }), 'Already there'),
    ...problems(400, 401, 404, 422),
  },
});
const removeWishlist = createRoute({
  method: 'delete',
  path: '/api/v1/users/me/wishlist/{productId}',
  summary: 'Remove a product from my wishlist',
  middleware: [requireRole()] as const,
  request: { params: productIdParam },
  responses: { 204: { description: 'Removed' }, ...problems(401, 404) },
});
const getViews = createRoute({
  method: 'get',
  path: '/api/v1/users/me/recent-views',
  summary: 'Products I viewed recently (최근 본 상품), newest first',
  middleware: [requireRole()] as const,
  request: { query: pageQuery },
  responses: { 200: jsonResponse(savedPage('RecentViewsPage'), 'Recent views'), ...problems(400, 401) },
});
const addView = createRoute({
  method: 'post',
  path: '/api/v1/users/me/recent-views',
  summary: 'Record that I viewed a product (moves it to the front)',
  middleware: [requireRole()] as const,
  request: { body: productBody },
  responses: { 204: { description: 'Recorded' }, ...problems(400, 401, 404) },
});
const clearViews = createRoute({
  method: 'delete',
  path: '/api/v1/users/me/recent-views',
  summary: 'Forget my recent views',
  middleware: [requireRole()] as const,
  responses: { 204: { description: 'Cleared' }, ...problems(401) },
});

export function savedListRoutes(app: App, deps: UserDeps) {
  const { dapr, log } = deps;

  /** The page, each item with its product when product answers. */
  const enrichedPage = async (items: SavedItem[], limit: number, cursor: string | undefined) => {
    const { page, nextCursor } = pageOfList(items, limit, cursor);
    const products = await lookupProducts(
      dapr,
      log,
      page.map((i) => i.productId),
    );
    return {
      items: page.map((i) => ({
        productId: i.productId,
        at: i.at,
        product: products?.get(i.productId) ?? null,
      })),
      nextCursor,
      enriched: products !== undefined,
    };
  };

  /** A product that product says does not exist is refused; when product cannot answer, the id is taken as given. */
  const checkProduct = async (productId: string) => {
    const found = await lookupProducts(dapr, log, [productId]);
    if (found && !found.has(productId)) throw notFound('PRODUCT_NOT_FOUND', 'No such product');
  };

  app.openapi(getWishlist, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const items = await readList(dapr, WISHLISTS_STORE, wishlistKey(principalOf(c).userId));
    return c.json(await enrichedPage(items, limit, cursor), 200);
  });

  app.openapi(addWishlist, async (c) => {
    const { productId } = c.req.valid('json');
    const max = deps.config.WISHLIST_MAX_ITEMS;
    await checkProduct(productId);
    const { item, added } = await changeList(
      dapr,
      WISHLISTS_STORE,
      wishlistKey(principalOf(c).userId),
      (items) => {
        const existing = items.find((i) => i.productId === productId);
        if (existing) return { items, result: { item: existing, added: false } };
        if (items.length >= max)
          throw unprocessable('WISHLIST_FULL', `A wishlist holds at most ${max} products`);
        const fresh = { productId, at: new Date().toISOString() };
        return { items: [fresh, ...items], result: { item: fresh, added: true } };
      },
    );
    return added ? c.json(item, 201) : c.json(item, 200);
  });

  app.openapi(removeWishlist, async (c) => {
    const { productId } = c.req.valid('param');
    const removed = await changeList(dapr, WISHLISTS_STORE, wishlistKey(principalOf(c).userId), (items) => ({
      items: items.filter((i) => i.productId !== productId),
      result: items.some((i) => i.productId === productId),
    }));
    if (!removed) throw notFound('WISHLIST_ITEM_NOT_FOUND', 'This product is not in the wishlist');
    return c.body(null, 204);
  });

  app.openapi(getViews, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const items = await readList(dapr, VIEWS_STORE, viewsKey(principalOf(c).userId));
    return c.json(await enrichedPage(items, limit, cursor), 200);
  });

  app.openapi(addView, async (c) => {
    const { productId } = c.req.valid('json');
    const max = deps.config.RECENT_VIEWS_MAX_ITEMS;
    await checkProduct(productId);
    await changeList(dapr, VIEWS_STORE, viewsKey(principalOf(c).userId), (items) => ({
      items: [
        { productId, at: new Date().toISOString() },
        ...items.filter((i) => i.productId !== productId),
      ].slice(0, max),
      result: undefined,
    }));
    return c.body(null, 204);
  });

  app.openapi(clearViews, async (c) => {
    await dapr.deleteState(VIEWS_STORE, viewsKey(principalOf(c).userId));
    return c.body(null, 204);
  });
}
