import type { Generated, PlatformTables } from '@mp/platform';

export type PaymentMethod = 'card' | 'transfer' | 'virtual_account';

/**
 * READY: waiting for the buyer to pay (결제대기); IN_PROGRESS: confirmation sent to the PG, answer
 * not settled yet; WAITING_FOR_DEPOSIT: a virtual account was issued (입금대기); DONE: paid
 * (결제완료); FAILED; CANCELLED: cancelled before any money moved; PARTIALLY_REFUNDED; REFUNDED.
 */
export type PaymentStatus =
  | 'READY'
  | 'IN_PROGRESS'
  | 'WAITING_FOR_DEPOSIT'
  | 'DONE'
  | 'FAILED'
  | 'CANCELLED'
  | 'PARTIALLY_REFUNDED'
  | 'REFUNDED';

/** payments_db.payments (seed 1.5): one payment per order. */
export interface PaymentsTable {
  id: string;
  order_id: string;
  user_id: string;
  amount: number;
  method: PaymentMethod;
  order_name: string;
  status: PaymentStatus;
  /** The buyer must pay before this (the order's payment window). */
  due_at: Date;
  payment_key: string | null;
  /** Bumped each time a confirmation starts afresh; part of the PG idempotency key. */
  confirm_attempt: Generated<number>;
  confirm_started_at: Date | null;
  pg_status: string | null;
  pg_method: string | null;
  pg_transaction_key: string | null;
  approved_at: Date | null;
  failure_code: string | null;
  failure_message: string | null;
  refunded_amount: Generated<number>;
  virtual_account: unknown | null;
  /** The PG's secret for this payment: deposit callbacks must carry it. */
  deposit_secret: string | null;
  /** Local profiles: the PG sandbox pays this order by itself. */
  auto_approve: Generated<boolean>;
  /** Set when order.cancelled arrived: a payment that completes later is refunded at once. */
  order_cancelled_at: Date | null;
  /** The order's saga correlation id: events about this payment carry it, whoever triggers them. */
  correlation_id: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type RefundStatus = 'PENDING' | 'DONE' | 'FAILED';

/** payments_db.refunds: a cancellation or refund to carry out at the PG, retried until settled. */
export interface RefundsTable {
  id: string;
  payment_id: string;
  order_id: string;
  /** CANCEL: the order was cancelled (the whole balance); REFUND: a refund request (환불요청); PG: done at the PG's side. */
  kind: 'CANCEL' | 'REFUND' | 'PG';
  refund_request_id: string | null;
  amount: number;
  reason: string;
  status: Generated<RefundStatus>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  pg_transaction_key: string | null;
  created_at: Generated<Date>;
  completed_at: Date | null;
}

/** Webhooks received from the PG, kept for inspection; their content is never trusted (re-queried). */
export interface WebhookEventsTable {
  id: Generated<number>;
  event_type: string;
  order_id: string | null;
  payload: unknown;
  outcome: string | null;
  received_at: Generated<Date>;
}

/** Orders cancelled before their order.created reached us. */
export interface CancelledOrdersTable {
  order_id: string;
  reason: string;
  cancelled_at: Generated<Date>;
}

/** The tables of the payment service's schema (`payment`). */
export interface Database extends PlatformTables {
  payments: PaymentsTable;
  refunds: RefundsTable;
  webhook_events: WebhookEventsTable;
  cancelled_orders: CancelledOrdersTable;
}
