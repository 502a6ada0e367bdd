import { randomUUID } from 'node:crypto';
import { ApiError } from '@mp/platform';

export interface FakeProduct {
  productId: string;
  sku: string;
  sellerId: string;
  name: string;
  unitPrice: number;
  stock: number;
  status?: 'APPROVED' | 'PENDING_REVIEW';
}

type Items = { productId?: string; sku: string; quantity: number }[];

/**
 * Product, inventory and coupon as their contracts (3, 5, 6) say, in memory: the doubles the
 * order service's tests invoke instead of the real services.
 */
export class FakeCatalog {
  products = new Map<string, FakeProduct>();
  reservations = new Map<string, { sku: string; quantity: number }[]>();
  released: string[] = [];
  coupons = new Map<
    string,
    { userId: string; userCouponId: string; discountAmount: number; sellerId?: string; minOrder?: number }
  >();

  product(p: Partial<FakeProduct> & { sellerId: string }): FakeProduct {
    const product: FakeProduct = {
      productId: randomUUID(),
      sku: `SKU-${randomUUID().slice(0, 8)}`,
      name: '상품',
      unitPrice: 10_000,
      stock: 10,
      ...p,
    };
    this.products.set(product.sku, product);
    return product;
  }

  coupon(userId: string, discountAmount: number, o: { sellerId?: string; minOrder?: number } = {}) {
    const couponId = randomUUID();
    this.coupons.set(couponId, { userId, userCouponId: randomUUID(), discountAmount, ...o });
    return couponId;
  }

  reserved(sku: string) {
    return [...this.reservations.values()]
      .flat()
      .filter((l) => l.sku === sku)
      .reduce((s, l) => s + l.quantity, 0);
  }

  quote = (body: unknown) => {
    const { items } = body as { items: Items };
    const found = items.map((item, n) => ({ item, n, p: this.products.get(item.sku) }));
    const missing = found.filter((f) => !f.p || f.p.productId !== f.item.productId);
    if (missing.length)
      throw new ApiError(404, 'PRODUCT_NOT_FOUND', 'No such product or SKU', {
        errors: missing.map((m) => ({ path: `items.${m.n}`, message: 'unknown' })),
      });
    const off = found.filter((f) => f.p!.status === 'PENDING_REVIEW');
    if (off.length)
      throw new ApiError(409, 'PRODUCT_UNAVAILABLE', 'Not for sale', {
        errors: off.map((m) => ({ path: `items.${m.n}`, message: 'not approved' })),
      });
    return {
      items: found.map(({ p }) => ({
        productId: p!.productId,
        sku: p!.sku,
        sellerId: p!.sellerId,
        name: p!.name,
        optionValues: { 사이즈: '270' },
        unitPrice: p!.unitPrice,
      })),
    };
  };

  reserve = (body: unknown) => {
    const { orderId, items } = body as { orderId: string; items: Items };
    if (this.reservations.has(orderId))
      return { orderId, status: 'RESERVED', items: this.reservations.get(orderId) };
    const short = items
      .map((item, n) => ({
        item,
        n,
        available: (this.products.get(item.sku)?.stock ?? 0) - this.reserved(item.sku),
      }))
      .filter((x) => x.available < x.item.quantity);
    if (short.length)
      throw new ApiError(409, 'OUT_OF_STOCK', 'Not enough stock', {
        errors: short.map((s) => ({
          path: `items.${s.n}.quantity`,
          message: 'not enough stock',
          sku: s.item.sku,
          available: s.available,
        })),
      });
    this.reservations.set(
      orderId,
      items.map((i) => ({ sku: i.sku, quantity: i.quantity })),
    );
    return { orderId, status: 'RESERVED', expiresAt: new Date(Date.now() + 600_000).toISOString(), items };
  };

  availability = (body: unknown) => {
    const { skus } = body as { skus: string[] };
    return {
      items: skus.map((sku) => {
        const p = this.products.get(sku);
        return { sku, available: p ? p.stock - this.reserved(sku) : null };
      }),
    };
  };

  release = (orderId: string) => {
    this.reservations.delete(orderId);
    this.released.push(orderId);
    return { orderId, status: 'RELEASED' };
  };

  validateCoupon = (body: unknown) => {
    const b = body as {
      userId: string;
      couponId: string;
      orderAmount: number;
      items: { sellerId: string; amount: number }[];
    };
    const c = this.coupons.get(b.couponId);
    if (!c || c.userId !== b.userId)
      throw new ApiError(422, 'COUPON_NOT_OWNED', 'You do not have this coupon');
    const applicable = c.sellerId
      ? b.items.filter((i) => i.sellerId === c.sellerId).reduce((s, i) => s + i.amount, 0)
      : b.orderAmount;
    if (applicable < (c.minOrder ?? 0)) throw new ApiError(422, 'COUPON_MIN_ORDER_NOT_MET', 'Order more');
    return {
      couponId: b.couponId,
      userCouponId: c.userCouponId,
      discountAmount: Math.min(c.discountAmount, applicable),
      fundedBy: c.sellerId ? 'SELLER' : 'ADMIN',
      sellerId: c.sellerId ?? null,
    };
  };

  /** The invoke doubles for startTestService, keyed as the kit expects. */
  doubles() {
    return {
      'product POST /internal/products/quote': this.quote,
      'inventory POST /internal/reservations': this.reserve,
      'inventory POST /internal/availability': this.availability,
      'coupon POST /internal/coupons/validate': this.validateCoupon,
    } as Record<string, (body: unknown) => unknown>;
  }
}
