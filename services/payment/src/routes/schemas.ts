import { z } from '@mp/platform';

export const paymentDto = z
  .object({
    id: z.string(),
    orderId: z.string(),
    userId: z.string(),
    amount: z.int(),
    method: z.enum(['card', 'transfer', 'virtual_account']),
    orderName: z.string(),
    status: z.enum([
      'READY',
      'IN_PROGRESS',
      'WAITING_FOR_DEPOSIT',
      'DONE',
      'FAILED',
      'CANCELLED',
      'PARTIALLY_REFUNDED',
      'REFUNDED',
    ]),
    paymentKey: z.string().nullable(),
    /** The saved method it was paid with (pay-with-method); null for the payment window. */
    paymentMethodId: z.string().nullable(),
    approvedAt: z.string().nullable(),
    dueAt: z.string(),
    refundedAmount: z.int(),
    balanceAmount: z.int(),
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
    virtualAccount: z.record(z.string(), z.unknown()).nullable(),
    refunds: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(['CANCEL', 'REFUND', 'PG']),
        amount: z.int(),
        reason: z.string(),
        status: z.enum(['PENDING', 'DONE', 'FAILED']),
        refundRequestId: z.string().nullable(),
        createdAt: z.string(),
        completedAt: z.string().nullable(),
      }),
    ),
    createdAt: z.string(),
  })
  .openapi('Payment');

export const methodDto = z
  .object({
    id: z.string(),
    kind: z.enum(['card']),
    card: z.object({
      issuerCode: z.string(),
      issuer: z.string(),
      number: z.string(),
      cardType: z.string().nullable(),
      ownerType: z.string().nullable(),
    }),
    nickname: z.string().nullable(),
    isDefault: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('PaymentMethod');
