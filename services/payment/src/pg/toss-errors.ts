import type { PgErrorKind } from './port.ts';

/**
 * Toss Payments error codes (docs.tosspayments.com/reference/error-codes) by what they mean for
 * us. Codes not listed fall back on the HTTP status: another 4xx is a refusal, a 5xx is transient.
 */
const kinds: Record<string, PgErrorKind> = {
  ALREADY_PROCESSED_PAYMENT: 'already',
  DUPLICATED_ORDER_ID: 'already',
  ALREADY_CANCELED_PAYMENT: 'already',
  ALREADY_REFUND_PAYMENT: 'already',
  NOT_FOUND_PAYMENT: 'not_found',
  NOT_FOUND_PAYMENT_SESSION: 'not_found',
  // 자동결제: the saved card (billing key) is unknown, removed or not this customer's.
  NOT_FOUND_BILLING: 'not_found',
  BILLING_KEY_NOT_FOUND: 'not_found',
  INVALID_BILL_KEY_REQUEST: 'not_found',
  NOT_MATCHES_CUSTOMER_KEY: 'not_found',
  UNAUTHORIZED_KEY: 'config',
  INVALID_API_KEY: 'config',
  INCORRECT_BASIC_AUTH_FORMAT: 'config',
  PROVIDER_ERROR: 'retryable',
  FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING: 'retryable',
  FAILED_INTERNAL_SYSTEM_PROCESSING: 'retryable',
  UNKNOWN_PAYMENT_ERROR: 'retryable',
  COMMON_ERROR: 'retryable',
  FAILED_REFUND_PROCESS: 'retryable',
  FAILED_METHOD_HANDLING_CANCEL: 'retryable',
  FAILED_PARTIAL_REFUND: 'retryable',
  FORBIDDEN_CONSECUTIVE_REQUEST: 'retryable',
  IDEMPOTENT_REQUEST_PROCESSING: 'retryable',
};

export function kindOf(code: string, status: number): PgErrorKind {
  return kinds[code] ?? (status >= 500 ? 'retryable' : 'refused');
}

/** Our problem code for a PG refusal the buyer sees. */
export function declineCode(pgCode: string): string {
  if (/BALANCE|EXCEED|LIMIT|MAX_/.test(pgCode)) return 'PAYMENT_LIMIT_EXCEEDED';
  if (/CARD|ACCOUNT|REJECT|FDS|STOPPED|LOST|PASSWORD|BANK/.test(pgCode)) return 'PAYMENT_DECLINED';
  return 'PAYMENT_REFUSED';
}

/** Toss's method names (결제수단) ↔ ours. */
export const tossMethod = { card: '카드', transfer: '계좌이체', virtual_account: '가상계좌' } as const;
