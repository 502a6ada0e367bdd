import { baseConfigSchema, type ServiceConfig, z } from '@mp/platform';

/** The order service's variables (the kit's base ones and these). */
export const config = baseConfigSchema.extend({
  /** Card and transfer orders must be paid within this (Toss's payment window is 10 minutes). */
  ORDER_PAYMENT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(600),
  ORDER_VIRTUAL_ACCOUNT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(86_400),
  /** 구매확정 happens by itself this many days after delivery (fractions allowed). */
  ORDER_AUTO_CONFIRM_DAYS: z.coerce.number().min(0).default(7),
  /** 배송비 per seller, and the subtotal from which a seller ships free. */
  ORDER_SHIPPING_FEE: z.coerce.number().int().min(0).default(3000),
  ORDER_FREE_SHIPPING_OVER: z.coerce.number().int().min(0).default(30_000),
  /** 반품배송비: kept from the refund of a return the buyer chose (단순변심); none when the seller is at fault. */
  ORDER_RETURN_SHIPPING_FEE: z.coerce.number().int().min(0).default(3000),
  /** Reservations outlive the payment window by this much. */
  ORDER_RESERVATION_MARGIN_SECONDS: z.coerce.number().int().min(0).default(600),
  /** A placement not committed after this long died; the sweeper releases its stock. */
  ORDER_CHECKOUT_STALE_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Placements running at once; the others queue (a flash sale waits its turn, not the pool's 5 s). */
  ORDER_PLACEMENT_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(48),
  ORDER_PLACEMENT_QUEUE: z.coerce.number().int().min(0).default(10_000),
  /** How often expiry, auto-confirmation and the sweeper run. */
  ORDER_SWEEP_MS: z.coerce.number().int().min(50).default(5_000),
});

export type OrderConfig = ServiceConfig<typeof config>;
