import type { EventOf, EventType } from '@mp/contracts';
import type { Category } from './settings.ts';

/** A message to one person, before it is rendered for a channel. */
export interface Message {
  template: string;
  category: Category;
  /** Who: an account (its email is looked up) and/or an address the event already names. */
  userId: string | undefined;
  email?: string | undefined;
  title: string;
  lines: string[];
  action?: { label: string; url: string };
  /** The action carries a secret (a reset token): it goes by email only, never into the history. */
  secret?: boolean;
  /** The values an operator's override may use (template-catalog.ts declares them per template). */
  vars?: Record<string, string>;
}

const won = (n: number) => `${new Intl.NumberFormat('ko-KR').format(n)}원`;
const kst = (iso: string) =>
  new Intl.DateTimeFormat('ko-KR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Seoul' }).format(
    new Date(iso),
  );
const carrierName: Record<string, string> = {
  CJ: 'CJ대한통운',
  LOTTE: '롯데택배',
  HANJIN: '한진택배',
  LOGEN: '로젠택배',
  POST: '우체국택배',
};

/**
 * A link's token (password reset, email verification): not in the event (it never leaves auth
 * through the broker); the handler fetched it from auth and set it on its in-memory copy of the
 * event (events/handlers.ts).
 */
export const LINK_TOKEN = Symbol('linkToken');
const linkTokenOf = (e: object) => (e as { [LINK_TOKEN]?: string })[LINK_TOKEN] ?? '';

type Compose<T extends EventType> = (e: EventOf<T>, base: string) => Message | Message[] | undefined;

interface Line {
  sellerId: string;
  name?: string | undefined;
  sku: string;
  quantity: number;
  price: number;
  discountAmount?: number | undefined;
}

/** An order's lines per seller, each seller's told only of their own (`무선 이어폰 외 1건`, the amount). */
function bySeller(lines: Line[]) {
  const groups = new Map<string, Line[]>();
  for (const l of lines) groups.set(l.sellerId, [...(groups.get(l.sellerId) ?? []), l]);
  return [...groups].map(([sellerId, mine]) => ({
    sellerId,
    items: `${mine[0]!.name ?? mine[0]!.sku}${mine.length > 1 ? ` 외 ${mine.length - 1}건` : ''}`,
    amount: mine.reduce((s, l) => s + l.price * l.quantity - (l.discountAmount ?? 0), 0),
  }));
}
const sellerOrderLink = (base: string, orderId: string) => `${base}/seller/orders/${orderId}`;
type Templates = { [T in EventType]?: Compose<T> };

/**
 * What each event the catalog gives notification says, to whom (seed 1.11: 주문 접수, 결제 완료,
 * 상품 발송, 배송 완료, 정산 완료, the sellers' new-order and cancellation alerts, and the account
 * and store messages). A refund is told once, by order.refund.completed. A published notice goes
 * to an audience, not a person: broadcast.ts.
 */
export const templates: Templates = {
  'auth.password.reset': (e, base): Message =>
    e.data.phase === 'requested'
      ? {
          template: 'password-reset',
          vars: {
            link: `${base}/reset-password?token=${linkTokenOf(e)}`,
            expiresAt: e.data.expiresAt ? kst(e.data.expiresAt) : '',
            email: e.data.email ?? '',
          },
          category: 'account',
          userId: e.data.userId,
          email: e.data.email,
          title: '비밀번호 재설정 안내',
          lines: [
            '비밀번호 재설정을 요청하셨습니다. 아래 버튼을 눌러 새 비밀번호를 정해 주세요.',
            `이 링크는 ${e.data.expiresAt ? kst(e.data.expiresAt) : '곧'}까지 한 번만 쓸 수 있습니다.`,
            '요청하지 않으셨다면 이 메일을 무시하셔도 됩니다.',
          ],
          action: {
            label: '비밀번호 재설정',
            url: `${base}/reset-password?token=${linkTokenOf(e)}`,
          },
          secret: true,
        }
      : {
          template: 'password-changed',
          vars: { changedAt: kst(e.data.at), email: e.data.email ?? '' },
          category: 'account',
          userId: e.data.userId,
          email: e.data.email,
          title: '비밀번호가 변경되었습니다',
          lines: [
            `${kst(e.data.at)}에 비밀번호가 변경되어 모든 기기에서 로그아웃되었습니다.`,
            '직접 변경하지 않으셨다면 즉시 고객센터로 알려 주세요.',
          ],
        },
  'auth.email.verification': (e, base): Message => {
    const link = `${base}/verify-email?token=${linkTokenOf(e)}`;
    return {
      template: 'email-verification',
      vars: { link, expiresAt: kst(e.data.expiresAt), email: e.data.email },
      category: 'account',
      userId: e.data.userId,
      email: e.data.email,
      title: '이메일 주소를 확인해 주세요',
      lines: [
        '가입하신 이메일 주소가 맞는지 확인합니다. 아래 버튼을 눌러 주세요.',
        `이 링크는 ${kst(e.data.expiresAt)}까지 한 번만 쓸 수 있습니다.`,
        '가입하지 않으셨다면 이 메일을 무시하셔도 됩니다.',
      ],
      action: { label: '이메일 확인', url: link },
      secret: true,
    };
  },
  'user.created': (e) => ({
    template: 'welcome',
    vars: { name: e.data.name, email: e.data.email },
    category: 'account',
    userId: e.data.userId,
    email: e.data.email,
    title: `${e.data.name}님, 가입을 환영합니다`,
    lines: [
      e.data.role === 'seller'
        ? '판매자 회원으로 가입하셨습니다. 입점 신청을 진행해 주세요.'
        : '지금 바로 쇼핑을 시작해 보세요.',
    ],
  }),
  'admin.user.suspended': (e) => ({
    template: 'account-suspended',
    vars: { reason: e.data.reason },
    category: 'account',
    userId: e.data.userId,
    title: '계정 이용이 정지되었습니다',
    lines: [`사유: ${e.data.reason}`, '문의는 고객센터로 해 주세요.'],
  }),
  'seller.created': (e) => ({
    template: 'seller-application-received',
    vars: { storeName: e.data.storeName },
    category: 'seller',
    userId: e.data.userId,
    title: '입점 신청이 접수되었습니다',
    lines: [`${e.data.storeName} 스토어의 입점 신청을 검토하고 있습니다. 결과는 메일로 알려 드립니다.`],
  }),
  'seller.verified': (e) => ({
    template: 'seller-verified',
    vars: { verifiedAt: kst(e.data.verifiedAt) },
    category: 'seller',
    userId: e.data.userId,
    title: '입점이 승인되었습니다',
    lines: ['이제 상품을 등록하고 판매를 시작할 수 있습니다.'],
  }),
  'store.updated': (e) =>
    e.data.status === 'REJECTED'
      ? {
          template: 'seller-rejected',
          vars: { storeName: e.data.storeName, reason: e.data.reason ?? '-' },
          category: 'seller',
          userId: e.data.sellerId,
          title: '입점 신청이 반려되었습니다',
          lines: [`사유: ${e.data.reason ?? '-'}`, '내용을 보완해 다시 신청하실 수 있습니다.'],
        }
      : undefined,
  'seller.suspended': (e) => ({
    template: 'seller-suspended',
    vars: { reason: e.data.reason },
    category: 'seller',
    userId: e.data.userId,
    title: '판매가 정지되었습니다',
    lines: [`사유: ${e.data.reason}`],
  }),
  'product.approved': (e) => ({
    template: 'product-approved',
    vars: { productName: e.data.name },
    category: 'seller',
    userId: e.data.sellerId,
    title: '상품이 승인되었습니다',
    lines: [`${e.data.name} 상품이 심사를 통과해 판매를 시작합니다.`],
  }),
  'product.rejected': (e) => ({
    template: 'product-rejected',
    vars: { productName: e.data.name, reason: e.data.reason },
    category: 'seller',
    userId: e.data.sellerId,
    title: '상품이 반려되었습니다',
    lines: [`${e.data.name}: ${e.data.reason}`],
  }),
  'inventory.low_stock': (e) => ({
    template: 'low-stock',
    vars: { sku: e.data.sku, currentStock: String(e.data.currentStock), threshold: String(e.data.threshold) },
    category: 'seller',
    userId: e.data.sellerId,
    title: '재고가 얼마 남지 않았습니다',
    lines: [`${e.data.sku}: 남은 재고 ${e.data.currentStock}개 (기준 ${e.data.threshold}개)`],
  }),
  'inventory.out_of_stock': (e) => ({
    template: 'out-of-stock',
    vars: { sku: e.data.sku },
    category: 'seller',
    userId: e.data.sellerId,
    title: '품절되었습니다',
    lines: [`${e.data.sku}의 재고가 모두 소진되었습니다.`],
  }),
  // The buyer's receipt, and each seller's new-order alert (flow: order placed → sellers told).
  'order.created': (e, base) => [
    {
      template: 'order-received',
      vars: { orderId: e.data.orderId, amount: won(e.data.payableAmount) },
      category: 'orders',
      userId: e.data.userId,
      title: '주문이 접수되었습니다',
      lines: [`주문번호 ${e.data.orderId}`, `결제하실 금액: ${won(e.data.payableAmount)}`],
    },
    ...bySeller(e.data.items).map(
      (s): Message => ({
        template: 'seller-new-order',
        vars: {
          orderId: e.data.orderId,
          items: s.items,
          amount: won(s.amount),
          link: sellerOrderLink(base, e.data.orderId),
        },
        category: 'seller',
        userId: s.sellerId,
        title: '새 주문이 들어왔습니다',
        lines: [`주문번호 ${e.data.orderId}`, `상품: ${s.items}`, `주문 금액: ${won(s.amount)}`],
        action: { label: '주문 확인', url: sellerOrderLink(base, e.data.orderId) },
      }),
    ),
  ],
  'order.cancelled': (e, base) => [
    {
      template: 'order-cancelled',
      vars: { orderId: e.data.orderId, reason: e.data.reason },
      category: 'orders',
      userId: e.data.userId,
      title: '주문이 취소되었습니다',
      lines: [`주문번호 ${e.data.orderId}`, `사유: ${e.data.reason}`],
    },
    ...bySeller(e.data.items ?? []).map(
      (s): Message => ({
        template: 'seller-order-cancelled',
        vars: {
          orderId: e.data.orderId,
          items: s.items,
          reason: e.data.reason,
          link: sellerOrderLink(base, e.data.orderId),
        },
        category: 'seller',
        userId: s.sellerId,
        title: '주문이 취소되었습니다',
        lines: [`주문번호 ${e.data.orderId}`, `상품: ${s.items}`, `사유: ${e.data.reason}`],
        action: { label: '주문 확인', url: sellerOrderLink(base, e.data.orderId) },
      }),
    ),
  ],
  'order.refund.completed': (e) => ({
    template: 'refund-completed',
    vars: { orderId: e.data.orderId, amount: won(e.data.amount) },
    category: 'orders',
    userId: e.data.userId,
    title: '환불이 완료되었습니다',
    lines: [`주문번호 ${e.data.orderId}`, `환불 금액: ${won(e.data.amount)}`],
  }),
  // 반품 검수: the buyer hears the verdict; the money itself is told once, by order.refund.completed.
  'order.return.inspected': (e): Message =>
    e.data.result === 'ACCEPTED'
      ? {
          template: 'return-accepted',
          vars: {
            orderId: e.data.orderId,
            refundAmount: won(e.data.refundAmount),
            returnShippingFee: won(e.data.returnShippingFee),
          },
          category: 'orders',
          userId: e.data.userId,
          title: '반품이 승인되었습니다',
          lines: [
            `주문번호 ${e.data.orderId}`,
            `환불 예정 금액: ${won(e.data.refundAmount)}`,
            ...(e.data.returnShippingFee
              ? [`반품배송비 ${won(e.data.returnShippingFee)}을 제외하고 환불됩니다.`]
              : []),
          ],
        }
      : {
          template: 'return-rejected',
          vars: { orderId: e.data.orderId, reason: e.data.reason ?? '' },
          category: 'orders',
          userId: e.data.userId,
          title: '반품이 거부되었습니다',
          lines: [
            `주문번호 ${e.data.orderId}`,
            `사유: ${e.data.reason ?? ''}`,
            '상품은 다시 보내 드립니다. 이의가 있으시면 고객센터로 알려 주세요.',
          ],
        },
  // 교환실패: a leg the carrier could not carry; both parties hear of it.
  'order.exchange.failed': (e, base): Message[] => [
    {
      template: 'exchange-failed',
      vars: { orderId: e.data.orderId, reason: e.data.reason },
      category: 'shipping',
      userId: e.data.userId,
      title: '교환 배송에 실패했습니다',
      lines: [
        `주문번호 ${e.data.orderId}`,
        `사유: ${e.data.reason}`,
        '고객센터에서 확인 후 연락드리겠습니다.',
      ],
    },
    {
      template: 'seller-exchange-failed',
      vars: {
        orderId: e.data.orderId,
        leg: e.data.leg === 'PICKUP' ? '회수' : '발송',
        reason: e.data.reason,
        link: sellerOrderLink(base, e.data.orderId),
      },
      category: 'seller',
      userId: e.data.sellerId,
      title: '교환 배송에 실패했습니다',
      lines: [
        `주문번호 ${e.data.orderId}`,
        `${e.data.leg === 'PICKUP' ? '회수' : '발송'} 택배: ${e.data.reason}`,
      ],
      action: { label: '주문 확인', url: sellerOrderLink(base, e.data.orderId) },
    },
  ],
  'payment.completed': (e) => ({
    template: 'payment-completed',
    vars: { orderId: e.data.orderId, amount: won(e.data.amount) },
    category: 'orders',
    userId: e.data.userId ?? e.userId,
    title: '결제가 완료되었습니다',
    lines: [`주문번호 ${e.data.orderId}`, `결제 금액: ${won(e.data.amount)}`],
  }),
  'payment.failed': (e) => ({
    template: 'payment-failed',
    vars: { orderId: e.data.orderId, reason: e.data.reason },
    category: 'orders',
    userId: e.userId,
    title: '결제에 실패했습니다',
    lines: [`주문번호 ${e.data.orderId}`, `사유: ${e.data.reason}`],
  }),
  'shipping.dispatched': (e) => ({
    template: 'shipment-dispatched',
    vars: {
      orderId: e.data.orderId,
      carrierName: carrierName[e.data.carrier] ?? e.data.carrier,
      trackingNumber: e.data.trackingNumber,
      estimatedDelivery: kst(e.data.estimatedDelivery),
    },
    category: 'shipping',
    userId: e.userId,
    title: '상품이 발송되었습니다',
    lines: [
      `${carrierName[e.data.carrier] ?? e.data.carrier} 운송장 ${e.data.trackingNumber}`,
      `도착 예정: ${kst(e.data.estimatedDelivery)}`,
    ],
  }),
  'shipping.delivered': (e) => ({
    template: 'shipment-delivered',
    vars: { orderId: e.data.orderId, recipient: e.data.recipient },
    category: 'shipping',
    userId: e.data.userId ?? e.userId,
    title: '배송이 완료되었습니다',
    lines: ['상품은 마음에 드셨나요? 리뷰를 남겨 주세요.'],
  }),
  'shipping.failed': (e) => ({
    template: 'shipment-failed',
    vars: { orderId: e.data.orderId, reason: e.data.reason },
    category: 'shipping',
    userId: e.userId,
    title: '배송에 문제가 생겼습니다',
    lines: [`사유: ${e.data.reason}`],
  }),
  // With the statement (정산서, PDF) linked: the seller's own, behind their sign-in.
  'settlement.completed': (e, base) => {
    const link = `${base}/api/v1/settlements/${e.data.settlementId}/statement`;
    return {
      template: 'settlement-completed',
      vars: {
        amount: won(e.data.netAmount),
        periodStart: kst(e.data.periodStart),
        periodEnd: kst(e.data.periodEnd),
        link,
      },
      category: 'seller',
      userId: e.data.sellerId,
      title: '정산이 완료되었습니다',
      lines: [
        `정산 금액: ${won(e.data.netAmount)}`,
        `기간: ${kst(e.data.periodStart)} ~ ${kst(e.data.periodEnd)}`,
        '정산서(PDF)는 아래 버튼에서 받으실 수 있습니다.',
      ],
      action: { label: '정산서 보기', url: link },
    };
  },
  'settlement.paid': (e) => ({
    template: 'settlement-paid',
    vars: { amount: won(e.data.amount) },
    category: 'seller',
    userId: e.data.sellerId,
    title: '정산금이 지급되었습니다',
    lines: [`지급 금액: ${won(e.data.amount)}`],
  }),
  // Told to a whole audience by broadcast.ts, not one person at a time.
  'admin.notice.published': () => undefined,
};

/** A published notice (공지사항) as pushed to its audience. */
export const noticeMessage = (e: EventOf<'admin.notice.published'>, base: string): Message => ({
  template: 'notice-published',
  vars: { title: e.data.title, link: `${base}/notices/${e.data.noticeId}` },
  category: 'account',
  userId: undefined,
  title: `[공지] ${e.data.title}`,
  lines: [e.data.body ? e.data.body.slice(0, 120) : '공지사항을 확인해 주세요.'],
  action: { label: '공지 보기', url: `${base}/notices/${e.data.noticeId}` },
});

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The frame every email has around its content (an operator's override fills the content). */
export const emailLayout = (
  content: string,
) => `<!doctype html><html lang="ko"><body style="font-family:sans-serif">
${content}
<hr><p style="color:#999;font-size:12px">마켓플레이스 · 이 메일은 발신 전용입니다.</p>
</body></html>`;

/** The email body (HTML; the binding sends text/html). */
export function renderEmail(m: Message): string {
  const paragraphs = m.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n');
  const action = m.action
    ? `<p><a href="${escapeHtml(m.action.url)}" style="display:inline-block;padding:12px 20px;background:#111;color:#fff;text-decoration:none">${escapeHtml(m.action.label)}</a></p>\n<p style="color:#666;font-size:12px">${escapeHtml(m.action.url)}</p>`
    : '';
  return emailLayout(`<h2>${escapeHtml(m.title)}</h2>\n${paragraphs}\n${action}`);
}
