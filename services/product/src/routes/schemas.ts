import { z } from '@mp/platform';

const text = (max: number) => z.string().trim().min(1).max(max);
const sku = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, dot, dash or underscore (at most 64)');

export const optionInput = z.object({
  sku: sku.optional(),
  name: text(100).optional(),
  /** Option name → value, e.g. {"색상": "블랙", "사이즈": "260"}. */
  values: z.record(text(30), text(50)).optional(),
  priceDelta: z.int().min(-100_000_000).max(100_000_000).optional(),
  stock: z.int().min(0).max(1_000_000).optional(),
  lowStockThreshold: z.int().min(0).max(1_000_000).optional(),
});

const base = {
  name: text(200),
  description: z.string().max(20_000),
  /** KRW (원). */
  price: z.int().min(0).max(1_000_000_000),
  categoryId: z.string().min(1).max(64),
  brand: z.string().trim().min(1).max(100).nullable().optional(),
  options: z.array(optionInput).min(1).max(100).optional(),
  imageFileIds: z.array(z.string().min(1).max(64)).max(10).optional(),
};

export const createProductBody = z
  .object({
    ...base,
    description: base.description.default(''),
    stock: z.int().min(0).max(1_000_000).optional(),
  })
  .openapi('NewProduct');

export const updateProductBody = z
  .object({
    name: base.name.optional(),
    description: base.description.optional(),
    price: base.price.optional(),
    categoryId: base.categoryId.optional(),
    brand: base.brand,
    options: base.options,
    imageFileIds: base.imageFileIds,
  })
  .openapi('ProductChange');

const stockStatus = z.enum(['IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK']);

export const productListItem = z
  .object({
    id: z.string(),
    sellerId: z.string(),
    name: z.string(),
    brand: z.string().nullable(),
    price: z.int(),
    categoryId: z.string(),
    status: z.string(),
    thumbnailUrl: z.string().nullable(),
    stock: z.int(),
    /** 품절임박 is LOW_STOCK, 품절 is OUT_OF_STOCK. */
    stockStatus,
    rating: z.object({ average: z.number(), count: z.int() }),
    salesCount: z.int(),
    createdAt: z.string(),
  })
  .openapi('ProductListItem');

/** A seller's edit of an approved product, held for review (moderation that holds). */
export const productRevision = z
  .object({
    id: z.string(),
    productId: z.string(),
    sellerId: z.string(),
    /** PENDING waits for an admin; APPROVED was applied; REJECTED carries the reason; WITHDRAWN was undone or the product deleted. */
    status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN']),
    proposed: z.object({
      name: z.string().optional(),
      description: z.string().optional(),
      price: z.int().optional(),
      images: z.array(z.object({ fileId: z.string(), url: z.string(), thumbnailUrl: z.string() })).optional(),
      options: z
        .array(
          z.object({
            sku: z.string().optional(),
            name: z.string().optional(),
            values: z.record(z.string(), z.string()),
            priceDelta: z.int(),
          }),
        )
        .optional(),
    }),
    rejectionReason: z.string().nullable(),
    submittedAt: z.string(),
    updatedAt: z.string(),
    decidedAt: z.string().nullable(),
  })
  .openapi('ProductRevision');

export const productDetail = productListItem
  .extend({
    description: z.string(),
    version: z.int(),
    categoryPath: z.array(z.object({ id: z.string(), name: z.string() })),
    images: z.array(z.object({ fileId: z.string(), url: z.string(), thumbnailUrl: z.string() })),
    options: z.array(
      z.object({
        sku: z.string(),
        name: z.string(),
        values: z.record(z.string(), z.string()),
        priceDelta: z.int(),
        price: z.int(),
        available: z.int(),
        stockStatus,
      }),
    ),
    viewCount: z.int(),
    approvedAt: z.string().nullable(),
    updatedAt: z.string(),
    rejectionReason: z.string().nullable().optional(),
    /** For its seller and admins: the latest edit held for review (pending, or how it was decided). */
    revision: productRevision.nullable().optional(),
  })
  .openapi('Product');

export const idParam = z.object({ id: z.string().min(1).max(64) });
