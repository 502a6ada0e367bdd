import type { Alimtalk } from '../db/schema.ts';

/**
 * A 알림톡 template as it was registered with the Kakao channel and approved (검수): its code, its
 * exact text with `#{name}` values, and its button's name. Kakao delivers only a message that is
 * the approved text with the values filled in, so operators' wording overrides never apply here —
 * a new wording is a new template to register and approve, then a new code in this list.
 */
export interface AlimtalkTemplate {
  code: string;
  text: string;
  button?: string;
}

/** The approved 알림톡 templates, by the message (notification template) they carry. */
export const alimtalkTemplates: Record<string, AlimtalkTemplate> = {
  'payment-completed': {
    code: 'MP_PAYMENT_DONE_01',
    text: '[마켓플레이스] 결제가 완료되었습니다.\n\n주문번호: #{orderId}\n결제 금액: #{amount}',
  },
  'shipment-dispatched': {
    code: 'MP_SHIPPED_01',
    text: '[마켓플레이스] 상품이 발송되었습니다.\n\n주문번호: #{orderId}\n택배사: #{carrierName}\n운송장 번호: #{trackingNumber}\n도착 예정: #{estimatedDelivery}',
  },
  'shipment-delivered': {
    code: 'MP_DELIVERED_01',
    text: '[마켓플레이스] 배송이 완료되었습니다.\n\n주문번호: #{orderId}\n상품은 마음에 드셨나요? 리뷰를 남겨 주세요.',
  },
  'order-cancelled': {
    code: 'MP_ORDER_CANCEL_01',
    text: '[마켓플레이스] 주문이 취소되었습니다.\n\n주문번호: #{orderId}\n사유: #{reason}',
  },
  'refund-completed': {
    code: 'MP_REFUND_DONE_01',
    text: '[마켓플레이스] 환불이 완료되었습니다.\n\n주문번호: #{orderId}\n환불 금액: #{amount}',
  },
  'seller-new-order': {
    code: 'MP_SELLER_ORDER_01',
    text: '[마켓플레이스 판매자] 새 주문이 들어왔습니다.\n\n주문번호: #{orderId}\n상품: #{items}\n주문 금액: #{amount}',
    button: '주문 확인',
  },
  'seller-order-cancelled': {
    code: 'MP_SELLER_CANCEL_01',
    text: '[마켓플레이스 판매자] 주문이 취소되었습니다.\n\n주문번호: #{orderId}\n상품: #{items}\n사유: #{reason}',
    button: '주문 확인',
  },
};

const placeholder = /#\{([^}]+)\}/g;

/** The approved text with the message's values; undefined when a value is missing (then SMS). */
export function fillTemplate(t: AlimtalkTemplate, vars: Record<string, string>): string | undefined {
  let missing = false;
  const text = t.text.replace(placeholder, (_m, name: string) => {
    const v = vars[name];
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? undefined : text;
}

/** Whether a message is its approved template with values filled in (what Kakao checks, K105). */
export function matchesTemplate(t: AlimtalkTemplate, message: string): boolean {
  const parts = t.text.split(placeholder).filter((_p, i) => i % 2 === 0);
  const escaped = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[\\s\\S]{1,500}')}$`).test(message);
}

export function alimtalkOf(
  template: string,
  vars: Record<string, string> | undefined,
  link: string | null,
): Alimtalk | undefined {
  const t = alimtalkTemplates[template];
  if (!t || !vars) return undefined;
  const message = fillTemplate(t, vars);
  if (message === undefined) return undefined;
  return {
    templateCode: t.code,
    message,
    ...(t.button && link
      ? { button: [{ name: t.button, type: 'WL' as const, url_mobile: link, url_pc: link }] }
      : {}),
  };
}
