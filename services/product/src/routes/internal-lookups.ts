import { type App, createRoute, jsonBody, jsonResponse, problems, type ServiceDeps, z } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { lookupProducts, quoteLines } from '../domain/quotes.ts';

const quote = createRoute({
  method: 'post',
  path: '/internal/products/quote',
  summary: 'Prices of order lines, in request order (order calls this through Dapr)',
  request: {
    body: jsonBody(
      z.object({
        items: z
          .array(
            z.object({
              productId: z.string().min(1).max(64),
              sku: z.string().min(1).max(64),
              quantity: z.int().positive(),
            }),
          )
          .min(1)
          .max(100),
      }),
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(
          z.object({
            productId: z.string(),
            sku: z.string(),
            sellerId: z.string(),
            name: z.string(),
            optionValues: z.record(z.string(), z.string()),
            unitPrice: z.int(),
          }),
        ),
      }),
      'Each line with its seller and unit price (price + the SKU’s delta, KRW)',
    ),
    ...problems(400, 404, 409),
  },
});

const lookup = createRoute({
  method: 'post',
  path: '/internal/products/lookup',
  summary: 'Products by id (unknown ids are left out)',
  request: { body: jsonBody(z.object({ productIds: z.array(z.string().min(1).max(64)).max(100) })) },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(
          z.object({
            productId: z.string(),
            sellerId: z.string(),
            name: z.string(),
            price: z.int(),
            brand: z.string().nullable(),
            status: z.string(),
            thumbnailUrl: z.string().nullable(),
          }),
        ),
      }),
      'The products found',
    ),
    ...problems(400),
  },
});

/** Order lines priced (order's placement) and products by id (cart, reviews, the back office). */
export function lookupRoutes(app: App, { db }: ServiceDeps<Database>) {
  app.openapi(quote, async (c) => c.json(await quoteLines(db, c.req.valid('json').items), 200));
  app.openapi(lookup, async (c) => c.json(await lookupProducts(db, c.req.valid('json').productIds), 200));
}
