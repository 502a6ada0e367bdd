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
  /**
   * A crowd at the door (more placements at once than run at once: a flash sale) goes before the
   * sagas: order.created waits in the outbox while it lasts, at most this long (decision 0063).
   */
  ORDER_CROWD_HOLD_MS: z.coerce.number().int().min(0).max(30_000).default(3_000),
  /**
   * A crowd lasts this long past its last full moment: a flash sale's buyers reach the handler in
   * waves while the event loop is short of CPU, and a shorter lull (250 ms) let the held
   * order.created go and their sagas take the CPU from the next wave (decision 0063).
   */
  ORDER_CROWD_SETTLE_MS: z.coerce.number().int().min(0).max(10_000).default(1_000),
  /**
   * Placements go through the door at a pace while order's consumers see the sagas' events later
   * than this (the sagas fall behind), each waiting at most ORDER_SAGA_LAG_WAIT_MS; 0 turns the
   * pacing off (decision 0063).
   */
  ORDER_SAGA_LAG_TARGET_MS: z.coerce.number().int().min(0).default(500),
  ORDER_SAGA_LAG_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** How often expiry, auto-confirmation and the sweeper run. */
  ORDER_SWEEP_MS: z.coerce.number().int().min(50).default(5_000),
});

export type OrderConfig = ServiceConfig<typeof config>;
