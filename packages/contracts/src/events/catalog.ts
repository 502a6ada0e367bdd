import { z } from 'zod';
import { at, id, krw } from '../primitives.ts';

/** The product as other services see it after every change; `version` orders the changes. */
const productState = {
  productId: id,
  sellerId: id,
  name: z.string(),
  description: z.string(),
  brand: z.string().nullable(),
  categoryId: id,
  price: krw,
  status: z.enum(['PENDING_REVIEW', 'APPROVED', 'REJECTED', 'DELETED']),
  imageFileIds: z.array(id),
  version: z.int().positive(),
  updatedAt: at,
};

// Product (seed 1.3, §2.3; approved/rejected from flow 4.4)
export const productCreated = z.object({
  ...productState,
  stock: z.int().min(0),
  skus: z.array(
    z.object({
      sku: z.string(),
      optionValues: z.record(z.string(), z.string()),
      priceDelta: z.int(),
      stock: z.int().min(0),
      lowStockThreshold: z.int().min(0).optional(),
    }),
  ),
});
export const productUpdated = z.object({ ...productState, changes: z.array(z.string()) });
export const productDeleted = z.object({
  productId: id,
  sellerId: id,
  version: z.int().positive(),
  deletedAt: at,
});
export const productApproved = z.object({ ...productState, approvedBy: id, approvedAt: at });
export const productRejected = z.object({ ...productState, reason: z.string(), rejectedAt: at });
export const productStockChanged = z.object({
  productId: id,
  previousStock: z.int(),
  currentStock: z.int(),
  changedBy: z.string(),
  stockStatus: z.enum(['IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK']).optional(),
});

// Inventory (seed 1.10, §2.3, flow 4.3)
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
});
export const inventoryLowStock = z.object({
  productId: id,
  currentStock: z.int().min(0),
  threshold: z.int().min(0),
  sku: z.string(),
  sellerId: id.optional(),
});
export const inventoryOutOfStock = z.object({ productId: id, sku: z.string(), sellerId: id.optional(), at });

// Review (seed 1.12)
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

// File (seed 1.15)
export const fileUploaded = z.object({
  fileId: id,
  ownerId: id,
  purpose: z.string(),
  contentType: z.string(),
  size: z.int().min(0),
  uploadedAt: at,
});
export const fileDeleted = z.object({ fileId: id, ownerId: id, deletedAt: at });
