/**
 * The templates operators may override (알림 템플릿 관리): for each template id of templates.ts,
 * the variables its composer computes (`Message.vars`) with a sample for previews, and the channels
 * it goes out on. A template added to templates.ts without an entry here is sent as composed and
 * cannot be overridden until it is declared.
 */

/**
 * The messages a Korean shopper gets a 문자 for: payment done, parcel sent (with its 운송장 number),
 * parcel delivered, order cancelled, refund done. Everything else stays in the app, push and email.
 */
export const textedTemplates = new Set([
  'payment-completed',
  'shipment-dispatched',
  'shipment-delivered',
  'order-cancelled',
  'refund-completed',
  'seller-new-order',
  'seller-order-cancelled',
]);

export const templateChannels = ['EMAIL', 'IN_APP', 'PUSH', 'SMS'] as const;
export type TemplateChannel = (typeof templateChannels)[number];

/** The parts an override of each channel has. */
export const partsOf = {
  EMAIL: ['subject', 'html'],
  IN_APP: ['title', 'body'],
  PUSH: ['title', 'body'],
  SMS: ['text'],
} as const satisfies Record<TemplateChannel, readonly string[]>;

interface Variable {
  description: string;
  sample: string;
}
export interface TemplateSpec {
  description: string;
  variables: Record<string, Variable>;
  /** Only these channels (security mail goes by email alone); otherwise email, in-app, push and, for 문자-worthy templates, SMS. */
  only?: TemplateChannel[];
  /** Variables a part must use: the reset and verification mails keep their links. */
  required?: Partial<Record<string, string[]>>;
}

const v = (description: string, sample: string): Variable => ({ description, sample });
const orderId = v('주문번호', '0193a5b2-7c1e-7d3a-9f00-2b6c1d4e5f60');
const reason = v('사유', '고객 요청');
const items = v('이 스토어의 상품 (첫 상품 외 n건)', '무선 이어폰 외 1건');
const amount = (what: string) => v(`${what} (원 단위, 예: 45,000원)`, '45,000원');

export const templateCatalog: Record<string, TemplateSpec> = {
  'password-reset': {
    description: '비밀번호 재설정 안내 (보안: 이메일만, 재설정 링크 필수)',
    variables: {
      link: v(
        '재설정 링크 (비밀 토큰 포함, 한 번만 사용)',
        'https://shop.example.kr/reset-password?token=sample',
      ),
      expiresAt: v('링크 만료 시각 (KST)', '2026년 11월 25일 오후 3:30'),
      email: v('받는 주소', 'kim@example.kr'),
    },
    only: ['EMAIL'],
    required: { html: ['link'] },
  },
  'email-verification': {
    description: '이메일 주소 확인 (보안: 이메일만, 확인 링크 필수)',
    variables: {
      link: v(
        '확인 링크 (비밀 토큰 포함, 한 번만 사용)',
        'https://shop.example.kr/verify-email?token=sample',
      ),
      expiresAt: v('링크 만료 시각 (KST)', '2026년 11월 26일 오후 3:30'),
      email: v('확인할 주소', 'kim@example.kr'),
    },
    only: ['EMAIL'],
    required: { html: ['link'] },
  },
  'password-changed': {
    description: '비밀번호 변경 알림',
    variables: {
      changedAt: v('변경 시각 (KST)', '2026년 11월 25일 오후 3:30'),
      email: v('계정 이메일', 'kim@example.kr'),
    },
  },
  welcome: {
    description: '가입 환영',
    variables: { name: v('회원 이름', '김철수'), email: v('계정 이메일', 'kim@example.kr') },
  },
  'account-suspended': { description: '계정 이용 정지', variables: { reason } },
  'seller-application-received': {
    description: '입점 신청 접수',
    variables: { storeName: v('스토어 이름', '한빛상회') },
  },
  'seller-verified': {
    description: '입점 승인',
    variables: { verifiedAt: v('승인 시각 (KST)', '2026년 11월 25일 오후 3:30') },
  },
  'seller-rejected': {
    description: '입점 반려',
    variables: { storeName: v('스토어 이름', '한빛상회'), reason },
  },
  'seller-suspended': { description: '판매 정지', variables: { reason } },
  'product-approved': { description: '상품 승인', variables: { productName: v('상품명', '무선 이어폰') } },
  'product-rejected': {
    description: '상품 반려',
    variables: { productName: v('상품명', '무선 이어폰'), reason },
  },
  'product-revision-held': {
    description: '상품 수정 심사 대기 (승인된 내용으로 계속 판매)',
    variables: { productName: v('상품명 (승인된 이름)', '무선 이어폰') },
  },
  'product-revision-approved': {
    description: '상품 수정 승인',
    variables: { productName: v('상품명', '무선 이어폰') },
  },
  'product-revision-rejected': {
    description: '상품 수정 반려',
    variables: { productName: v('상품명', '무선 이어폰'), reason },
  },
  'low-stock': {
    description: '재고 부족',
    variables: {
      sku: v('SKU', 'EARBUD-BLK'),
      currentStock: v('남은 재고', '3'),
      threshold: v('기준 수량', '5'),
    },
  },
  'out-of-stock': { description: '품절', variables: { sku: v('SKU', 'EARBUD-BLK') } },
  'order-received': { description: '주문 접수', variables: { orderId, amount: amount('결제하실 금액') } },
  'order-cancelled': { description: '주문 취소', variables: { orderId, reason } },
  'seller-new-order': {
    description: '판매자: 새 주문',
    variables: {
      orderId,
      items,
      amount: amount('이 스토어 상품의 주문 금액'),
      link: v('주문 링크', 'https://shop.example.kr/seller/orders/0193a5b2'),
    },
  },
  'seller-order-cancelled': {
    description: '판매자: 주문 취소',
    variables: {
      orderId,
      items,
      reason,
      link: v('주문 링크', 'https://shop.example.kr/seller/orders/0193a5b2'),
    },
  },
  'refund-completed': { description: '환불 완료', variables: { orderId, amount: amount('환불 금액') } },
  'return-accepted': {
    description: '반품 승인 (검수 완료)',
    variables: {
      orderId,
      refundAmount: amount('환불 예정 금액'),
      returnShippingFee: amount('반품배송비 (단순변심; 판매자 귀책이면 0원)'),
    },
  },
  'return-rejected': { description: '반품 거부 (검수 결과)', variables: { orderId, reason } },
  'return-pickup-failed': { description: '반품 회수 실패', variables: { orderId, reason } },
  'seller-return-pickup-failed': {
    description: '판매자: 반품 회수 실패',
    variables: { orderId, reason, link: v('주문 링크', 'https://shop.example.kr/seller/orders/0193a5b2') },
  },
  'exchange-failed': { description: '교환 배송 실패', variables: { orderId, reason } },
  'seller-exchange-failed': {
    description: '판매자: 교환 배송 실패',
    variables: {
      orderId,
      leg: v('실패한 택배 (회수 또는 발송)', '회수'),
      reason,
      link: v('주문 링크', 'https://shop.example.kr/seller/orders/0193a5b2'),
    },
  },
  'payment-completed': { description: '결제 완료', variables: { orderId, amount: amount('결제 금액') } },
  'payment-failed': { description: '결제 실패', variables: { orderId, reason } },
  'shipment-dispatched': {
    description: '상품 발송 (운송장)',
    variables: {
      orderId,
      carrierName: v('택배사', 'CJ대한통운'),
      trackingNumber: v('운송장 번호', '6012345678901'),
      estimatedDelivery: v('도착 예정 (KST)', '2026년 11월 27일 오후 6:00'),
    },
  },
  'shipment-delivered': {
    description: '배송 완료',
    variables: { orderId, recipient: v('받는 분', '김철수') },
  },
  'shipment-failed': { description: '배송 문제', variables: { orderId, reason } },
  'settlement-completed': {
    description: '정산 완료',
    variables: {
      amount: amount('정산 금액'),
      periodStart: v('정산 기간 시작 (KST)', '2026년 11월 1일 오전 12:00'),
      periodEnd: v('정산 기간 끝 (KST)', '2026년 11월 30일 오후 11:59'),
      link: v('정산서 (PDF) 링크', 'https://shop.example.kr/api/v1/settlements/0193a5b2/statement'),
    },
  },
  'settlement-paid': { description: '정산금 지급', variables: { amount: amount('지급 금액') } },
  'settlement-payout-failed': {
    description: '정산금 지급 실패 (은행 거절)',
    variables: { amount: amount('지급 금액'), reason: v('은행이 알린 사유', '거래정지 계좌') },
  },
  'notice-published': {
    description: '공지사항 (대상: 전체, 구매자, 판매자)',
    variables: {
      title: v('공지 제목', '설 연휴 배송 안내'),
      link: v('공지 링크', 'https://shop.example.kr/notices/0193a5b2'),
    },
    only: ['PUSH'],
  },
};

/** The channels a template goes out on (and so may be overridden on). */
export const channelsOf = (template: string, spec: TemplateSpec): TemplateChannel[] =>
  spec.only ?? ['EMAIL', 'IN_APP', 'PUSH', ...(textedTemplates.has(template) ? (['SMS'] as const) : [])];

export const samplesOf = (spec: TemplateSpec): Record<string, string> =>
  Object.fromEntries(Object.entries(spec.variables).map(([k, x]) => [k, x.sample]));
