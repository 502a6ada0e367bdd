import { type App, createRoute, jsonResponse, notFound, problems, z } from '@mp/platform';
import type { SellerDeps } from '../config.ts';
import { findSeller } from '../domain/sellers.ts';

const store = createRoute({
  method: 'get',
  path: '/api/v1/sellers/{sellerId}/store',
  summary: "A store's public page (verified stores only)",
  request: { params: z.object({ sellerId: z.string().max(64) }) },
  responses: {
    200: jsonResponse(
      z
        .object({
          sellerId: z.string(),
          storeName: z.string(),
          description: z.string().nullable(),
          grade: z.string(),
          logoFileId: z.string().nullable(),
          csPhone: z.string().nullable(),
          csEmail: z.string().nullable(),
          // 전자상거래법: the business details a store must show.
          businessNumber: z.string(),
          representative: z.string(),
          mailOrderNumber: z.string(),
        })
        .openapi('Store'),
      'The store',
    ),
    ...problems(404),
  },
});

export function storeRoutes(app: App, deps: SellerDeps) {
  app.openapi(store, async (c) => {
    const view = await findSeller(deps.db, c.req.valid('param').sellerId);
    if (view?.seller.status !== 'VERIFIED') throw notFound('SELLER_NOT_FOUND', 'No such store');
    const { seller, store: s, business: b } = view;
    const n = b.business_number;
    return c.json(
      {
        sellerId: seller.seller_id,
        storeName: s.store_name,
        description: s.description,
        grade: seller.grade,
        logoFileId: s.logo_file_id,
        csPhone: s.cs_phone,
        csEmail: s.cs_email,
        businessNumber: `${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5)}`,
        representative: b.representative,
        mailOrderNumber: b.mail_order_number,
      },
      200,
    );
  });
}
