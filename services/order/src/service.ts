import { admission, Crowd, intervalWorker, Pacer, SagaLag, type ServiceDefinition } from '@mp/platform';
import { config } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { expireUnpaid } from './domain/cancel.ts';
import { autoConfirm } from './domain/confirm.ts';
import type { OrderContext } from './domain/context.ts';
import { SoldOutDoor } from './domain/door.ts';
import { sweepAbandonedCheckouts } from './domain/sweeper.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';

export const service: ServiceDefinition<Database, typeof config, OrderContext> = {
  name: 'order',
  description: '주문: cart, orders and their lifecycle from placement to delivery, cancellation and refund',
  config,
  migrations,
  context: ({ db, events, log, dapr, config: c }) => {
    const lag = new SagaLag();
    // What an operator sees of the door's balance (decision 0063): when it holds and paces.
    const crowd = new Crowd(c.ORDER_PLACEMENT_CONCURRENCY + 1, c.ORDER_CROWD_SETTLE_MS);
    crowd.onCrowd(() =>
      log.info({ holdMs: c.ORDER_CROWD_HOLD_MS }, 'a crowd at the door: new order.created held back'),
    );
    crowd.onQuiet(() => log.info('the crowd at the door is answered: held order.created go'));
    const pacer = new Pacer(lag, {
      targetMs: c.ORDER_SAGA_LAG_TARGET_MS,
      maxWaitMs: c.ORDER_SAGA_LAG_WAIT_MS,
      // A flash sale's crowd is not paced while its new order.created are held back anyway.
      burst: () => crowd.crowded && crowd.age < c.ORDER_CROWD_HOLD_MS,
      onChange: (gapMs, lagMs) =>
        gapMs
          ? log.info({ lagMs, gapMs }, "the sagas' events arrive late: placements paced at the door")
          : log.info('the sagas keep up: the door is open'),
    });
    return {
      db,
      events,
      log,
      dapr,
      door: new SoldOutDoor(dapr, log),
      crowd,
      lag,
      pacer,
      admit: admission(
        c.ORDER_PLACEMENT_CONCURRENCY,
        c.ORDER_PLACEMENT_QUEUE,
        'Too many orders at once; try again shortly',
      ),
      sweepMs: c.ORDER_SWEEP_MS,
      holdMs: c.ORDER_CROWD_HOLD_MS,
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
  },
  routes,
  handlers,
  pressure: (ctx) => ({
    lag: ctx.lag,
    hold: {
      topics: ['order.created'],
      holding: () => ctx.crowd.crowded,
      maxMs: ctx.holdMs,
      released: (wake) => ctx.crowd.onQuiet(wake),
    },
  }),
  workers: (ctx) => [
    intervalWorker('unpaid-expiry', ctx.sweepMs, ctx.log, () => expireUnpaid(ctx)),
    intervalWorker('auto-confirm', ctx.sweepMs, ctx.log, () => autoConfirm(ctx)),
    intervalWorker('checkout-sweeper', ctx.sweepMs, ctx.log, () => sweepAbandonedCheckouts(ctx)),
  ],
};
