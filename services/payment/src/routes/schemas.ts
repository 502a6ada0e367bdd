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
