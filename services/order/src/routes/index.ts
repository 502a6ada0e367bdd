import type { App } from '@mp/platform';
import type { OrderContext } from '../domain/context.ts';
import { actionRoutes } from './actions.ts';
import { cartRoutes } from './cart.ts';
import { exchangeRoutes } from './exchanges.ts';
import { orderRoutes } from './orders.ts';
import { returnRoutes } from './returns.ts';

/** The public routes of the order service. */
export function routes(app: App, ctx: OrderContext): void {
  cartRoutes(app, ctx);
  // Before the order routes: /api/v1/orders/returns is not an order's id.
  returnRoutes(app, ctx);
  orderRoutes(app, ctx);
  actionRoutes(app, ctx);
  exchangeRoutes(app, ctx);
}
