/**
 * The PG port: what the payment service needs from a payment gateway, in Toss Payments' terms
 * (the only PG wired today). Another PG would be another implementation of this interface.
 */

/** Toss's Payment object, the fields this service reads. */
export interface PgPayment {
  paymentKey: string;
  orderId: string;
  orderName?: string;
  /** READY, IN_PROGRESS, WAITING_FOR_DEPOSIT, DONE, CANCELED, PARTIAL_CANCELED, ABORTED, EXPIRED */
  status: string;
  method?: string | null;
  totalAmount: number;
  balanceAmount: number;
  requestedAt?: string;
  approvedAt?: string | null;
  lastTransactionKey?: string | null;
  secret?: string | null;
  virtualAccount?: {
    accountNumber: string;
    bankCode?: string;
    customerName?: string;
    dueDate: string;
    [k: string]: unknown;
  } | null;
  cancels?: PgCancel[] | null;
  failure?: { code: string; message: string } | null;
}

/** Toss's billing-key object (자동결제 빌링키), the fields this service reads. */
export interface PgBillingKey {
  mId?: string;
  customerKey: string;
  billingKey: string;
  authenticatedAt?: string | null;
  /** 카드 */
  method?: string;
  card?: {
    issuerCode: string;
    acquirerCode?: string | null;
    /** Masked: 43301234****123* */
    number: string;
    cardType?: string | null;
    ownerType?: string | null;
  } | null;
}

export interface PgCancel {
  cancelAmount: number;
  cancelReason: string;
  canceledAt: string;
  transactionKey: string;
  cancelStatus?: string;
}

/**
 * How a PG call went wrong. `refused`: a definite no (declined card, not cancellable);
 * `not_found`: the payment key or session is unknown (expired window); `already`: the PG says
 * it was done before; `retryable`: the PG answered with a transient failure; `no_answer`: no
 * answer at all (timeout, network) — the outcome is unknown and must be asked of the PG;
 * `config`: our credentials are wrong.
 */
export type PgErrorKind = 'refused' | 'not_found' | 'already' | 'retryable' | 'no_answer' | 'config';

export class PgError extends Error {
  readonly kind: PgErrorKind;
  /** The PG's own error code (Toss's `code`), or NO_ANSWER. */
  readonly code: string;
  readonly status: number | undefined;
  constructor(kind: PgErrorKind, code: string, message: string, status?: number) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.status = status;
  }
}

export interface PaymentGateway {
  /** 결제 승인. The idempotency key makes a retried confirmation the same confirmation. */
  confirm(
    input: { paymentKey: string; orderId: string; amount: number },
    idempotencyKey: string,
  ): Promise<PgPayment>;
  /**
   * 결제 취소: the whole balance, or `cancelAmount` of it. A deposited virtual account needs
   * `refundReceiveAccount` (the buyer's bank code, account number and holder): Toss refuses without it.
   */
  cancel(
    paymentKey: string,
    input: {
      cancelReason: string;
      cancelAmount?: number;
      refundReceiveAccount?: { bank: string; accountNumber: string; holderName: string };
    },
    idempotencyKey: string,
  ): Promise<PgPayment>;
  getPayment(paymentKey: string): Promise<PgPayment>;
  /** Undefined when the PG knows no payment for the order. */
  findByOrderId(orderId: string): Promise<PgPayment | undefined>;
  /** 빌링키 발급: the authKey the card registration window gave, for this customerKey. */
  issueBillingKey(
    input: { authKey: string; customerKey: string },
    idempotencyKey: string,
  ): Promise<PgBillingKey>;
  /** 자동결제 승인: charges a saved card; answers a Payment like confirm. */
  chargeBillingKey(
    billingKey: string,
    input: { customerKey: string; amount: number; orderId: string; orderName: string },
    idempotencyKey: string,
  ): Promise<PgPayment>;
  /** 빌링키 삭제. An already unknown key counts as deleted. */
  removeBillingKey(billingKey: string): Promise<void>;
}
