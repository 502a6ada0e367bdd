import { z } from '@mp/platform';

const item = z.object({ itemId: z.string(), productId: z.string(), sku: z.string(), quantity: z.int() });
export const shipmentDto = z
  .object({
    id: z.string(),
    orderId: z.string(),
    sellerId: z.string(),
    userId: z.string(),
    kind: z.enum(['DELIVERY', 'RETURN', 'EXCHANGE_PICKUP', 'EXCHANGE_DELIVERY']),
    returnOf: z.string().nullable(),
    refundRequestId: z.string().nullable(),
    exchangeId: z.string().nullable(),
    status: z.enum(['REQUESTED', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'FAILED', 'CANCELLED']),
    recipient: z.object({
      recipient: z.string(),
      phone: z.string(),
      address: z.string(),
      zipCode: z.string(),
    }),
    items: z.array(item),
    carrier: z.enum(['CJ', 'LOTTE', 'HANJIN', 'LOGEN', 'POST']).nullable(),
    trackingNumber: z.string().nullable(),
    trackingLevel: z.int(),
    estimatedDelivery: z.string().nullable(),
    reason: z.string().nullable(),
    requestedAt: z.string(),
    dispatchedAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    tracking: z
      .array(z.object({ level: z.int(), kind: z.string(), location: z.string().nullable(), at: z.string() }))
      .optional(),
  })
  .openapi('Shipment');
