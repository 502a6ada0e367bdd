import { requireRole, z } from '@mp/platform';

/** A review as the API shows it. */
export const review = z
  .object({
    id: z.string(),
    productId: z.string(),
    userId: z.string(),
    orderId: z.string(),
    itemId: z.string(),
    sku: z.string(),
    rating: z.int(),
    content: z.string(),
    images: z.array(z.object({ fileId: z.string(), url: z.string(), thumbnailUrl: z.string() })),
    helpfulCount: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Review');
export const rating = z.int().min(1).max(5);
export const content = z.string().trim().min(10, 'at least 10 characters').max(2000);
export const imageFileIds = z.array(z.string().min(1).max(64)).max(5);
export const id = z.string().min(1).max(64);
export const idParam = z.object({ id });
export const productQuery = z.object({ productId: id });
export const buyer = [requireRole('buyer')];
export const signedIn = [requireRole()];
