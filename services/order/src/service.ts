import {
  admission,
  baseConfigSchema,
  intervalWorker,
  type ServiceDefinition,
  type ServiceDeps,
  z,
} from '@mp/platform';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { expireUnpaid } from './domain/cancel.ts';
import { autoConfirm } from './domain/confirm.ts';
import type { OrderContext } from './domain/context.ts';
import { SoldOutDoor } from './domain/door.ts';
import { sweepAbandonedCheckouts } from './domain/sweeper.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';

const config = baseConfigSchema.extend({
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
type Config = z.infer<typeof config> & { PORT: number; DB_SCHEMA: string };

const contexts = new WeakMap<object, OrderContext>();
/** The order rules' context of a built service (one per database pool). */
export function contextOf(deps: ServiceDeps<Database, Config>): OrderContext {
  let ctx = contexts.get(deps.db);
  if (!ctx) {
    const c = deps.config;
    ctx = {
      db: deps.db,
      events: deps.events,
      log: deps.log,
      dapr: deps.dapr,
      door: new SoldOutDoor(deps.dapr, deps.log),
      admit: admission(
        c.ORDER_PLACEMENT_CONCURRENCY,
        c.ORDER_PLACEMENT_QUEUE,
        'Too many orders at once; try again shortly',
      ),
      rules: {
        paymentWindowSeconds: c.ORDER_PAYMENT_WINDOW_SECONDS,
        virtualAccountWindowSeconds: c.ORDER_VIRTUAL_ACCOUNT_WINDOW_SECONDS,
        autoConfirmDays: c.ORDER_AUTO_CONFIRM_DAYS,
        shipping: { fee: c.ORDER_SHIPPING_FEE, freeOver: c.ORDER_FREE_SHIPPING_OVER },
        returnShippingFee: c.ORDER_RETURN_SHIPPING_FEE,
        reservationMarginSeconds: c.ORDER_RESERVATION_MARGIN_SECONDS,
        checkoutStaleSeconds: c.ORDER_CHECKOUT_STALE_SECONDS,
      },
    };
    contexts.set(deps.db, ctx);
  }
  return ctx;
}

export const service: ServiceDefinition<Database, typeof config> = {
  name: 'order',
  description: '주문: cart, orders and their lifecycle (flows 4.1 and 4.2)',
  config,
  migrations,
  routes: (app, deps) => routes(app, contextOf(deps)),
  handlers: (deps) => handlers(contextOf(deps)),
  workers: (deps) => {
    const ctx = contextOf(deps);
    const every = deps.config.ORDER_SWEEP_MS;
    return [
      intervalWorker('unpaid-expiry', every, deps.log, () => expireUnpaid(ctx)),
      intervalWorker('auto-confirm', every, deps.log, () => autoConfirm(ctx)),
      intervalWorker('checkout-sweeper', every, deps.log, () => sweepAbandonedCheckouts(ctx)),
    ];
  },
};
