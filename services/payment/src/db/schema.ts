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

/** payments_db.payments: one payment per order. */
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
  /** When a headless-mode worker claimed it; a claim older than a minute died with its worker. */
  auto_approve_claimed_at: Date | null;
  /** Set when order.cancelled arrived: a payment that completes later is refunded at once. */
  order_cancelled_at: Date | null;
  /** The order's saga correlation id: events about this payment carry it, whoever triggers them. */
  correlation_id: string;
  /** Paid (or being paid) with this saved method through the billing API; null for the payment window. */
  payment_method_id: Generated<string | null>;
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
  /** Where a deposited virtual account's refund goes (Toss's refundReceiveAccount), sealed. */
  refund_account_sealed: string | null;
  /** How often an admin sent it again after the PG refused it. */
  retries: Generated<number>;
}

/** The buyer's refund account given with a return (반품) request, until its refund is queued. */
export interface RefundAccountsTable {
  refund_request_id: string;
  order_id: string;
  sealed: string;
  created_at: Generated<Date>;
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

/**
 * payments_db.payment_methods (결제 수단): a card saved through Toss's 자동결제 API. The
 * billing key is sealed (AES-256-GCM) and never answered; its digest keeps a key saved once.
 */
export interface PaymentMethodsTable {
  id: string;
  user_id: string;
  /** Toss's customerKey the billing key is bound to (derived from the user id, see methods/secrets.ts). */
  customer_key: string;
  /** Null once the method is removed and the key deleted at the PG. */
  billing_key_sealed: string | null;
  billing_key_digest: string;
  kind: Generated<'card'>;
  /** Toss's 카드사 code (issuerCode) and 매입사 code. */
  issuer_code: string;
  acquirer_code: string | null;
  /** Masked as Toss answers it (43301234****123*). */
  card_number: string;
  /** 신용, 체크, 기프트; 개인, 법인. */
  card_type: string | null;
  owner_type: string | null;
  nickname: string | null;
  is_default: Generated<boolean>;
  authenticated_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
  /** When the billing key was deleted at the PG (removal is retried until then). */
  pg_removed_at: Date | null;
}

/** The tables of the payment service's schema (`payment`). */
export interface Database extends PlatformTables {
  payments: PaymentsTable;
  refunds: RefundsTable;
  refund_accounts: RefundAccountsTable;
  webhook_events: WebhookEventsTable;
  cancelled_orders: CancelledOrdersTable;
  payment_methods: PaymentMethodsTable;
}
