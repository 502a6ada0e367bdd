import type { PaymentService, TestOrder } from './helpers.ts';

export interface Buyer {
  userId: string;
  token: string;
}

/** The buyer's customerKey, as a client fetches it before opening the card registration window. */
export async function customerKeyOf(svc: PaymentService, who: Buyer): Promise<string> {
  const res = await svc.call('GET', '/api/v1/payments/methods/customer-key', { token: who.token });
  if (res.status !== 200) throw new Error(`customer-key: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.customerKey;
}

/** What a browser does in Toss's card registration window: the sandbox hands out an authKey. */
export async function authorizeCard(svc: PaymentService, customerKey: string, cardNumber?: string) {
  const res = await svc.call('POST', '/sandbox/pg/window/billing-auth', {
    body: { customerKey, ...(cardNumber ? { cardNumber } : {}) },
  });
  if (res.status !== 201) throw new Error(`billing window: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.authKey as string;
}

/** Registers a card end to end (window, then our route); answers the saved method. */
export async function saveCard(svc: PaymentService, who: Buyer, cardNumber?: string) {
  const customerKey = await customerKeyOf(svc, who);
  const authKey = await authorizeCard(svc, customerKey, cardNumber);
  const res = await svc.call('POST', '/api/v1/payments/methods', {
    token: who.token,
    body: { authKey, customerKey },
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; card: { number: string; issuer: string }; isDefault: boolean };
}

export const payWithMethod = (
  svc: PaymentService,
  order: TestOrder,
  methodId: string,
  headers: Record<string, string> = {},
) =>
  svc.call('POST', '/api/v1/payments/pay-with-method', {
    token: order.token,
    body: { orderId: order.orderId, methodId },
    headers,
  });
