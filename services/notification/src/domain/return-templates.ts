import { type Message, type Templates, won } from './message.ts';
import { sellerOrderLink } from './order-templates.ts';

/** After delivery: a return's inspection verdict (반품 검수) and an exchange leg that failed (교환실패). */
export const returnTemplates: Templates = {
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
  // 회수 실패: the carrier could not collect the parcel; the buyer and the seller hear of it, an admin settles it.
  'order.return.pickup_failed': (e, base): Message[] => [
    {
      template: 'return-pickup-failed',
      vars: { orderId: e.data.orderId, reason: e.data.reason },
      category: 'shipping',
      userId: e.data.userId,
      title: '반품 상품 회수에 실패했습니다',
      lines: [
        `주문번호 ${e.data.orderId}`,
        `택배사 안내: ${e.data.reason}`,
        '고객센터에서 확인 후 연락드리겠습니다.',
      ],
    },
    {
      template: 'seller-return-pickup-failed',
      vars: { orderId: e.data.orderId, reason: e.data.reason, link: sellerOrderLink(base, e.data.orderId) },
      category: 'seller',
      userId: e.data.sellerId,
      title: '반품 회수에 실패했습니다',
      lines: [`주문번호 ${e.data.orderId}`, `택배사 안내: ${e.data.reason}`, '관리자가 확인 후 처리합니다.'],
      action: { label: '주문 확인', url: sellerOrderLink(base, e.data.orderId) },
    },
  ],
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
};
