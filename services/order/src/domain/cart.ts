import { ApiError, type Dapr, notFound, StateConflictError, validationFailed } from '@mp/platform';
import { lineAmount, shippingFee } from './amounts.ts';
import type { OrderRules } from './context.ts';
import { quote } from './upstream.ts';

/** Carts (a Dapr state store): per buyer, SKUs and quantities; prices are never stored. */
export interface Cart {
  items: CartLine[];
  updatedAt: string;
}
export interface CartLine {
  productId: string;
  sku: string;
  quantity: number;
  addedAt: string;
}

export const CART_STORE = 'carts';
export const MAX_LINES = 50;
export const MAX_QUANTITY = 99;
const TTL_SECONDS = 30 * 86_400;
const keyOf = (userId: string) => `cart:${userId}`;

export async function readCart(dapr: Dapr, userId: string): Promise<Cart> {
  return (
    (await dapr.getState<Cart>(CART_STORE, keyOf(userId))).value ?? {
      items: [],
      updatedAt: new Date().toISOString(),
    }
  );
}

/** Changes a cart under its ETag, again on a concurrent change (two tabs adding at once lose nothing). */
export async function changeCart(
  dapr: Dapr,
  userId: string,
  change: (items: CartLine[]) => CartLine[],
): Promise<Cart> {
  for (let attempt = 0; ; attempt++) {
    const { value, etag } = await dapr.getState<Cart>(CART_STORE, keyOf(userId));
    const items = change(structuredClone(value?.items ?? []));
    if (items.length > MAX_LINES)
      throw validationFailed([{ path: 'items', message: `a cart holds at most ${MAX_LINES} lines` }]);
    const cart = { items, updatedAt: new Date().toISOString() };
    try {
      if (!items.length) await dapr.deleteState(CART_STORE, keyOf(userId), etag ? { etag } : {});
      else
        await dapr.saveState(CART_STORE, keyOf(userId), cart, {
          ...(etag ? { etag } : {}),
          ttlSeconds: TTL_SECONDS,
        });
      return cart;
    } catch (err) {
      if (!(err instanceof StateConflictError) || attempt >= 5) throw err;
    }
  }
}

/** Adds lines, merging quantities of the same SKU (also how a guest cart joins the buyer's). */
export const mergeInto = (items: CartLine[], add: { productId: string; sku: string; quantity: number }[]) => {
  const now = new Date().toISOString();
  for (const a of add) {
    const line = items.find((i) => i.sku === a.sku);
    if (line) line.quantity = Math.min(MAX_QUANTITY, line.quantity + a.quantity);
    else
      items.push({
        productId: a.productId,
        sku: a.sku,
        quantity: Math.min(MAX_QUANTITY, a.quantity),
        addedAt: now,
      });
  }
  return items;
};

export const setQuantity = (items: CartLine[], sku: string, quantity: number) => {
  const line = items.find((i) => i.sku === sku);
  if (!line) throw notFound('CART_ITEM_NOT_FOUND', 'This SKU is not in the cart');
  line.quantity = quantity;
  return items;
};

export const removeLine = (items: CartLine[], sku: string) => {
  if (!items.some((i) => i.sku === sku)) throw notFound('CART_ITEM_NOT_FOUND', 'This SKU is not in the cart');
  return items.filter((i) => i.sku !== sku);
};

/** After an order, what was ordered leaves the cart. */
export const takeOut = (items: CartLine[], ordered: { sku: string; quantity: number }[]) =>
  items
    .map((i) => ({ ...i, quantity: i.quantity - (ordered.find((o) => o.sku === i.sku)?.quantity ?? 0) }))
    .filter((i) => i.quantity > 0);

/**
 * The cart at today's prices (re-priced on every view, and again at checkout). Lines whose
 * product is gone or no longer sold are shown unavailable instead of failing the whole cart.
 */
export async function priceCart(dapr: Dapr, cart: Cart, rules: Pick<OrderRules, 'shipping'>) {
  const unavailable = new Map<number, string>();
  let quoted: Awaited<ReturnType<typeof quote>> = [];
  for (let round = 0; round < 3; round++) {
    const live = cart.items.map((item, i) => ({ item, i })).filter(({ i }) => !unavailable.has(i));
    if (!live.length) break;
    try {
      quoted = await quote(
        dapr,
        live.map(({ item }) => ({ productId: item.productId, sku: item.sku, quantity: item.quantity })),
      );
      break;
    } catch (err) {
      const errors =
        err instanceof ApiError ? (err.extras.errors as { path: string }[] | undefined) : undefined;
      if (!(err instanceof ApiError) || err.status >= 500 || !errors?.length) throw err;
      for (const e of errors) {
        const n = Number(e.path.split('.')[1]);
        if (Number.isInteger(n) && live[n]) unavailable.set(live[n]!.i, err.code);
      }
    }
  }
  const bySku = new Map(quoted.map((q) => [q.sku, q]));
  const lines = cart.items.map((item, i) => {
    const q = unavailable.has(i) ? undefined : bySku.get(item.sku);
    return {
      productId: item.productId,
      sku: item.sku,
      quantity: item.quantity,
      addedAt: item.addedAt,
      available: Boolean(q),
      problem: unavailable.get(i) ?? null,
      name: q?.name ?? null,
      sellerId: q?.sellerId ?? null,
      optionValues: q?.optionValues ?? null,
      unitPrice: q?.unitPrice ?? null,
      lineAmount: q
        ? lineAmount({ unitPrice: q.unitPrice, quantity: item.quantity, sellerId: q.sellerId })
        : null,
    };
  });
  const priced = lines.flatMap((l) =>
    l.available ? [{ sellerId: l.sellerId!, unitPrice: l.unitPrice!, quantity: l.quantity }] : [],
  );
  const total = priced.reduce((s, l) => s + lineAmount(l), 0);
  const fee = shippingFee(priced, rules.shipping);
  return {
    items: lines,
    totalAmount: total,
    shippingFee: fee,
    payableAmount: total + fee,
    updatedAt: cart.updatedAt,
  };
}
