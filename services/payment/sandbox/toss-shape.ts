import { randomBytes } from 'node:crypto';
import { jsonb } from '@mp/platform';
import type { SandboxPayment } from './store.ts';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random = (n: number) => Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');

export const newPaymentKey = () => `tsbx${random(46)}`;
export const newTransactionKey = () => randomBytes(16).toString('hex').toUpperCase();
export const newSecret = () => `ps_${random(20)}`;
export const newAuthKey = () => `bln_${random(20)}`;
export const newBillingKey = () => random(44);

/** Our method names → Toss's 결제수단. */
export const tossMethods: Record<string, string> = {
  card: '카드',
  transfer: '계좌이체',
  virtual_account: '가상계좌',
};

/** KST offset, as Toss renders its timestamps (2024-01-01T12:00:00+09:00). */
export function kst(d: Date | null): string | null {
  if (!d) return null;
  const t = new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 19);
  return `${t}+09:00`;
}

/** A row as Toss's Payment object. */
export function toTossPayment(p: SandboxPayment) {
  const method = tossMethods[p.method] ?? '카드';
  return {
    mId: 'tmarketplace',
    version: '2022-11-16',
    paymentKey: p.payment_key,
    type: p.billing_key ? 'BILLING' : 'NORMAL',
    orderId: p.order_id,
    orderName: p.order_name,
    currency: 'KRW',
    method,
    status: p.status,
    requestedAt: kst(p.requested_at),
    approvedAt: kst(p.approved_at),
    totalAmount: p.amount,
    balanceAmount: p.balance_amount,
    suppliedAmount: Math.round(p.balance_amount / 1.1),
    vat: p.balance_amount - Math.round(p.balance_amount / 1.1),
    taxFreeAmount: 0,
    lastTransactionKey: p.last_transaction_key,
    isPartialCancelable: true,
    card:
      method === '카드' && p.approved_at && p.card
        ? {
            ...(p.card as Record<string, unknown>),
            installmentPlanMonths: 0,
            approveNo: '00000000',
            amount: p.amount,
          }
        : method === '카드' && p.approved_at
          ? {
              issuerCode: '4V',
              acquirerCode: '21',
              number: '43301234****123*',
              installmentPlanMonths: 0,
              approveNo: '00000000',
              cardType: '신용',
              ownerType: '개인',
              amount: p.amount,
            }
          : null,
    virtualAccount: p.virtual_account ?? null,
    transfer:
      method === '계좌이체' && p.approved_at ? { bankCode: '88', settlementStatus: 'INCOMPLETED' } : null,
    secret: p.method === 'virtual_account' ? p.secret : null,
    cancels: p.cancels.length ? p.cancels : null,
    failure: p.failure ?? null,
    country: 'KR',
  };
}

export type TossError = { status: 400 | 401 | 403 | 404 | 409 | 500; code: string; message: string };

export const tossErrors = {
  unauthorized: {
    status: 401,
    code: 'UNAUTHORIZED_KEY',
    message: '인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.',
  },
  invalid: (message: string): TossError => ({ status: 400, code: 'INVALID_REQUEST', message }),
  sessionNotFound: {
    status: 404,
    code: 'NOT_FOUND_PAYMENT_SESSION',
    message: '결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다.',
  },
  paymentNotFound: { status: 404, code: 'NOT_FOUND_PAYMENT', message: '존재하지 않는 결제 정보 입니다.' },
  alreadyProcessed: { status: 400, code: 'ALREADY_PROCESSED_PAYMENT', message: '이미 처리된 결제 입니다.' },
  alreadyCanceled: { status: 400, code: 'ALREADY_CANCELED_PAYMENT', message: '이미 취소된 결제 입니다.' },
  declined: {
    status: 403,
    code: 'REJECT_CARD_PAYMENT',
    message: '한도초과 혹은 잔액부족으로 결제에 실패했습니다.',
  },
  internal: {
    status: 500,
    code: 'FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING',
    message: '결제가 완료되지 않았어요. 다시 시도해주세요.',
  },
  cancelInternal: {
    status: 500,
    code: 'FAILED_INTERNAL_SYSTEM_PROCESSING',
    message: '내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 시도해주세요.',
  },
  notCancelable: { status: 403, code: 'NOT_CANCELABLE_PAYMENT', message: '취소 할 수 없는 결제 입니다.' },
  notCancelableAmount: {
    status: 403,
    code: 'NOT_CANCELABLE_AMOUNT',
    message: '취소 할 수 없는 금액 입니다.',
  },
  refundAccountRequired: {
    status: 400,
    code: 'INVALID_REQUEST',
    message: '가상계좌 입금 완료 건은 환불 계좌 정보(refundReceiveAccount)가 필요합니다.',
  },
  partialWaitingDeposit: {
    status: 403,
    code: 'NOT_ALLOWED_PARTIAL_REFUND_WAITING_DEPOSIT',
    message: '입금 대기중인 결제는 부분 환불이 불가합니다.',
  },
  invalidBillKeyRequest: {
    status: 400,
    code: 'INVALID_BILL_KEY_REQUEST',
    message: '빌링키 인증이 완료되지 않았거나 유효하지 않은 빌링 거래 건입니다.',
  },
  notMatchesCustomerKey: {
    status: 403,
    code: 'NOT_MATCHES_CUSTOMER_KEY',
    message: '빌링 인증 고객키와 결제 요청 고객키가 일치하지 않습니다.',
  },
  billingNotFound: { status: 404, code: 'NOT_FOUND_BILLING', message: '존재하지 않는 빌링키 입니다.' },
  duplicatedOrderId: {
    status: 400,
    code: 'DUPLICATED_ORDER_ID',
    message: '이미 승인 및 취소가 진행된 중복된 주문번호 입니다. 다른 주문번호로 진행해주세요.',
  },
  inProgress: {
    status: 409,
    code: 'IDEMPOTENT_REQUEST_PROCESSING',
    message: '이전 멱등 요청이 처리중입니다.',
  },
} as const satisfies Record<string, TossError | ((m: string) => TossError)>;

/** A new payment's row, READY for its confirmation: a payment window's, or a billing charge's. */
export function readyPayment(p: {
  orderId: string;
  orderName: string;
  method: string;
  amount: number;
  scenario: string;
  confirms: number;
  billingKey?: string;
  card?: string;
}) {
  return {
    payment_key: newPaymentKey(),
    order_id: p.orderId,
    order_name: p.orderName,
    method: p.method,
    amount: p.amount,
    balance_amount: p.amount,
    status: 'READY',
    scenario: p.scenario,
    confirms: p.confirms,
    cancel_failures: 0,
    approved_at: null,
    requested_at: new Date(),
    secret: newSecret(),
    last_transaction_key: null,
    virtual_account: null,
    cancels: jsonb([]),
    failure: null,
    billing_key: p.billingKey ?? null,
    card: p.card ?? null,
  };
}
