import { productLookupReply, productLookupRequest, quoteReply, quoteRequest } from '@mp/contracts';
import { type App, createRoute, jsonBody, jsonResponse, problems, type ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { lookupProducts, quoteLines } from '../domain/quotes.ts';

const quote = createRoute({
  method: 'post',
  path: '/internal/products/quote',
  summary: 'Prices of order lines, in request order (order calls this through Dapr)',
  request: { body: jsonBody(quoteRequest) },
  responses: {
    200: jsonResponse(quoteReply, 'Each line with its seller and unit price (price + the SKU’s delta, KRW)'),
    ...problems(400, 404, 409),
  },
});

const lookup = createRoute({
  method: 'post',
  path: '/internal/products/lookup',
  summary: 'Products by id (unknown ids are left out)',
  request: { body: jsonBody(productLookupRequest) },
  responses: {
    200: jsonResponse(productLookupReply, 'The products found'),
    ...problems(400),
  },
});

/** Order lines priced (order's placement) and products by id (cart, reviews, the back office). */
export function lookupRoutes(app: App, { db }: ServiceDeps<Database>) {
  app.openapi(quote, async (c) => c.json(await quoteLines(db, c.req.valid('json').items), 200));
  app.openapi(lookup, async (c) => c.json(await lookupProducts(db, c.req.valid('json').productIds), 200));
}
