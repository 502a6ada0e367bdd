import { shippingAddress } from '@mp/contracts';
import { isId, notFound, z } from '@mp/platform';
import { orderStatuses } from '../db/schema.ts';

export const address = shippingAddress;
export const status = z.enum(orderStatuses);

const leg = z.object({
  shipmentId: z.string(),
  status: z.enum(['REQUESTED', 'DISPATCHED', 'DELIVERED', 'CANCELLED', 'FAILED']),
});
/** 교환: one seller's items for other options of the same product; legs are shipping's shipments. */
export const exchangeDto = z
  .object({
    id: z.string(),
    sellerId: z.string(),
    status: z.enum(['REQUESTED', 'IN_PROGRESS', 'COMPLETED', 'REJECTED', 'CANCELLED', 'FAILED']),
    reason: z.string(),
    items: z.array(
      z.object({
        itemId: z.string(),
        productId: z.string(),
        sku: z.string(),
        newSku: z.string(),
        newOptionValues: z.record(z.string(), z.unknown()),
        quantity: z.int(),
      }),
    ),
    pickup: leg.nullable(),
    delivery: leg.nullable(),
    closeReason: z.string().nullable(),
    requestedAt: z.string(),
    completedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
  })
  .openapi('Exchange');

export const orderDto = z
  .object({
    id: z.string(),
    userId: z.string(),
    status,
    totalAmount: z.int(),
    discountAmount: z.int(),
    shippingFee: z.int(),
    payableAmount: z.int(),
    refundedAmount: z.int(),
    couponId: z.string().nullable(),
    paymentMethod: z.enum(['card', 'transfer', 'virtual_account']),
    paymentId: z.string().nullable(),
    shippingAddress: address,
    sellerIds: z.array(z.string()),
    paymentDueAt: z.string(),
    items: z.array(
      z.object({
        id: z.string(),
        productId: z.string(),
        sku: z.string(),
        sellerId: z.string(),
        name: z.string(),
        optionValues: z.record(z.string(), z.unknown()),
        unitPrice: z.int(),
        quantity: z.int(),
        lineAmount: z.int(),
        discountAmount: z.int(),
        refundedQuantity: z.int(),
        refundedAmount: z.int(),
        status: z.enum(['ORDERED', 'REFUND_REQUESTED', 'REFUNDED', 'CONFIRMED']),
      }),
    ),
    shipments: z.array(z.object({ sellerId: z.string(), shipmentId: z.string(), status: z.string() })),
    refundRequests: z.array(
      z.object({
        id: z.string(),
        reason: z.string(),
        amount: z.int(),
        items: z.array(
          z.object({ itemId: z.string(), sellerId: z.string(), quantity: z.int(), amount: z.int() }),
        ),
        status: z.enum(['REQUESTED', 'PICKUP_FAILED', 'RECEIVED', 'ACCEPTED', 'REJECTED', 'COMPLETED']),
        returnReason: z.enum(['CHANGE_OF_MIND', 'SELLER_FAULT']),
        sellerId: z.string().nullable(),
        returnShipmentId: z.string().nullable(),
        returnShippingFee: z.int(),
        refundAmount: z.int().nullable(),
        pickupFailure: z.string().nullable(),
        /** The return this one split off from (its lines rejected when that one was accepted in part). */
        splitFrom: z.string().nullable(),
        inspection: z
          .object({
            result: z.enum(['ACCEPTED', 'REJECTED']),
            reason: z.string().nullable(),
            photoFileIds: z.array(z.string()),
            lines: z.array(
              z.object({
                itemId: z.string(),
                quantity: z.int(),
                condition: z.enum(['RESELLABLE', 'DAMAGED']),
              }),
            ),
            /** Accepted in part: the return the rejected lines split off into. */
            splitInto: z.string().optional(),
            by: z.string(),
            role: z.enum(['SELLER', 'ADMIN']),
            at: z.string(),
          })
          .nullable(),
        requestedAt: z.string(),
        receivedAt: z.string().nullable(),
        inspectedAt: z.string().nullable(),
        completedAt: z.string().nullable(),
      }),
    ),
    exchanges: z.array(exchangeDto),
    history: z.array(z.object({ status, at: z.string(), event: z.string() })),
    events: z.array(
      z.object({
        type: z.string(),
        from: status.nullable(),
        to: status.nullable(),
        at: z.string(),
        data: z.unknown(),
      }),
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
    paidAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    cancelReason: z.string().nullable(),
  })
  .openapi('Order');

export const cartDto = z
  .object({
    items: z.array(
      z.object({
        productId: z.string(),
        sku: z.string(),
        quantity: z.int(),
        addedAt: z.string(),
        available: z.boolean(),
        problem: z.string().nullable(),
        name: z.string().nullable(),
        sellerId: z.string().nullable(),
        optionValues: z.record(z.string(), z.unknown()).nullable(),
        unitPrice: z.int().nullable(),
        lineAmount: z.int().nullable(),
      }),
    ),
    totalAmount: z.int(),
    shippingFee: z.int(),
    payableAmount: z.int(),
    updatedAt: z.string(),
  })
  .openapi('Cart');

/** An order id in a path: anything that is not one of ours is simply not found (404), like an unknown one. */
export const idParam = z.object({ id: z.string().min(1).max(64) });
export function orderId(id: string): string {
  if (!isId(id)) throw notFound('ORDER_NOT_FOUND', 'No such order');
  return id;
}

export const line = z.object({
  productId: z.string().min(1).max(64),
  sku: z.string().min(1).max(100),
  quantity: z.int().min(1).max(99),
});
