import { z } from 'zod';
import { at, id, krw } from '../primitives.ts';

const stockStatus = z.enum(['IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK']);

/** The product as other services see it after every change; `version` orders the changes. */
const productState = {
  productId: id,
  sellerId: id,
  name: z.string(),
  description: z.string(),
  brand: z.string().nullable(),
  categoryId: id,
  price: krw,
  status: z.enum(['PENDING_REVIEW', 'APPROVED', 'REJECTED', 'DELETED', 'SUSPENDED']),
  imageFileIds: z.array(id),
  version: z.int().positive(),
  updatedAt: at,
  /** The category and its ancestors, root first (search filters by subtree). */
  categoryPath: z.array(id).optional(),
  /** The first image's thumbnail (or the image itself until its thumbnail exists). */
  thumbnailUrl: z.string().nullable().optional(),
  /** Display stock: units available over all SKUs, and the 품절임박/품절 flag. */
  stock: z.int().min(0).optional(),
  stockStatus: stockStatus.optional(),
  /** Sort key of the `popular` order (sales, reviews and views). */
  popularity: z.int().min(0).optional(),
  createdAt: at.optional(),
};

const skuSpec = z.object({
  sku: z.string(),
  optionValues: z.record(z.string(), z.string()),
  priceDelta: z.int(),
  stock: z.int().min(0),
  lowStockThreshold: z.int().min(0).optional(),
  /** False once the seller removed the option (the SKU can no longer be sold). */
  active: z.boolean().optional(),
});

// Product (approved/rejected by the admin review of a new product)
export const productCreated = z.object({
  ...productState,
  stock: z.int().min(0),
  skus: z.array(skuSpec),
});
/** `skus` comes with option changes: every SKU, new ones with their initial stock. */
export const productUpdated = z.object({
  ...productState,
  changes: z.array(z.string()),
  skus: z.array(skuSpec).optional(),
});
export const productDeleted = z.object({
  productId: id,
  sellerId: id,
  version: z.int().positive(),
  deletedAt: at,
});
/** A signed-in view of a product page that counts (once per viewer per half hour): stats' views and ClickEvents. */
export const productViewed = z.object({
  productId: id,
  sellerId: id,
  categoryId: id,
  userId: id,
  viewedAt: at,
});
export const productApproved = z.object({ ...productState, approvedBy: id, approvedAt: at });
export const productRejected = z.object({ ...productState, reason: z.string(), rejectedAt: at });
/** A seller's edit of an approved product held for review (the approved version stays on sale). */
export const productRevisionSubmitted = z.object({
  revisionId: id,
  productId: id,
  sellerId: id,
  /** The approved name (the one on sale). */
  name: z.string(),
  /** What the edit changes: name, description, price, images, options. */
  fields: z.array(z.string()),
  submittedAt: at,
});
export const productRevisionApproved = z.object({
  revisionId: id,
  productId: id,
  sellerId: id,
  name: z.string(),
  approvedBy: id,
  approvedAt: at,
});
export const productRevisionRejected = z.object({
  revisionId: id,
  productId: id,
  sellerId: id,
  name: z.string(),
  reason: z.string(),
  rejectedAt: at,
});
export const productStockChanged = z.object({
  productId: id,
  previousStock: z.int(),
  currentStock: z.int(),
  changedBy: z.string(),
  stockStatus: stockStatus.optional(),
  /** The product's version after this change (consumers ignore older stock news). */
  version: z.int().positive().optional(),
});

// Inventory (low stock included)
export const inventoryReserved = z.object({
  productId: id,
  orderId: id,
  quantity: z.int().positive(),
  reservationId: id,
  sku: z.string(),
  expiresAt: at.optional(),
});
export const inventoryAdjusted = z.object({
  productId: id,
  sku: z.string(),
  delta: z.int(),
  reason: z.enum(['INITIAL', 'INBOUND', 'OUTBOUND', 'CORRECTION', 'SALE', 'RELEASE', 'RESERVE']),
  onHand: z.int().min(0),
  reserved: z.int().min(0),
  available: z.int().min(0),
  adjustedBy: z.string(),
  adjustedAt: at,
  /** The SKU's stock version: it grows with every change, so consumers can drop stale news. */
  version: z.int().positive().optional(),
  threshold: z.int().min(0).optional(),
  stockStatus: stockStatus.optional(),
  orderId: id.optional(),
  sellerId: id.optional(),
});
export const inventoryLowStock = z.object({
  productId: id,
  currentStock: z.int().min(0),
  threshold: z.int().min(0),
  sku: z.string(),
  sellerId: id.optional(),
  /** The SKU's stock version (as on inventory.adjusted). */
  version: z.int().positive().optional(),
});
export const inventoryOutOfStock = z.object({
  productId: id,
  sku: z.string(),
  sellerId: id.optional(),
  at,
  version: z.int().positive().optional(),
});

// Review
export const reviewCreated = z.object({
  reviewId: id,
  productId: id,
  userId: id,
  orderId: id,
  rating: z.int().min(1).max(5),
  createdAt: at,
});
export const reviewUpdated = z.object({
  reviewId: id,
  productId: id,
  userId: id,
  rating: z.int().min(1).max(5),
  updatedAt: at,
});
export const reviewDeleted = z.object({ reviewId: id, productId: id, userId: id, deletedAt: at });

// File
export const fileUploaded = z.object({
  fileId: id,
  ownerId: id,
  purpose: z.string(),
  contentType: z.string(),
  size: z.int().min(0),
  uploadedAt: at,
  url: z.string().optional(),
});
export const fileDeleted = z.object({ fileId: id, ownerId: id, deletedAt: at });
