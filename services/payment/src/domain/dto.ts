import type { Payment, Refund } from './context.ts';

export const toRefundDto = (r: Refund) => ({
  id: r.id,
  kind: r.kind,
  amount: r.amount,
  reason: r.reason,
  status: r.status,
  refundRequestId: r.refund_request_id,
  createdAt: r.created_at.toISOString(),
  completedAt: r.completed_at?.toISOString() ?? null,
});

export const toPaymentDto = (p: Payment, refunds: Refund[]) => ({
  id: p.id,
  orderId: p.order_id,
  userId: p.user_id,
  amount: p.amount,
  method: p.method,
  orderName: p.order_name,
  status: p.status,
  paymentKey: p.payment_key,
  paymentMethodId: p.payment_method_id,
  approvedAt: p.approved_at?.toISOString() ?? null,
  dueAt: p.due_at.toISOString(),
  refundedAmount: p.refunded_amount,
  balanceAmount: p.amount - p.refunded_amount,
  failure: p.failure_code ? { code: p.failure_code, message: p.failure_message ?? '' } : null,
  virtualAccount: (p.virtual_account as Record<string, unknown> | null) ?? null,
  refunds: refunds.map(toRefundDto),
  createdAt: p.created_at.toISOString(),
});
