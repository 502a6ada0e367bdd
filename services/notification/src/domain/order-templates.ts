import { kst, type Message, type Templates, won } from './message.ts';

const carrierName: Record<string, string> = {
  CJ: 'CJ대한통운',
  LOTTE: '롯데택배',
  HANJIN: '한진택배',
  LOGEN: '로젠택배',
  POST: '우체국택배',
};

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
export const sellerOrderLink = (base: string, orderId: string) => `${base}/seller/orders/${orderId}`;

/**
 * The order messages (주문 접수, 결제 완료, 상품 발송, 배송 완료, 정산 완료) and the sellers' new-order
 * and cancellation alerts. A refund is told once, by order.refund.completed.
 */
export const orderTemplates: Templates = {
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
  // 지급 실패: the bank refused the transfer; the seller fixes its account and an admin retries it.
  'settlement.payout.failed': (e) => ({
    template: 'settlement-payout-failed',
    vars: { amount: won(e.data.amount), reason: e.data.reason },
    category: 'seller',
    userId: e.data.sellerId,
    title: '정산금 지급에 실패했습니다',
    lines: [
      `지급 금액: ${won(e.data.amount)}`,
      `사유: ${e.data.reason}`,
      '정산 계좌를 확인해 주세요. 계좌를 고친 뒤 다시 지급됩니다.',
    ],
  }),
  'settlement.paid': (e) => ({
    template: 'settlement-paid',
    vars: { amount: won(e.data.amount) },
    category: 'seller',
    userId: e.data.sellerId,
    title: '정산금이 지급되었습니다',
    lines: [`지급 금액: ${won(e.data.amount)}`],
  }),
  // Told to a whole audience by broadcast.ts, not one person at a time.
};
