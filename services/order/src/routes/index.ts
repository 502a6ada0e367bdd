import type { App } from '@mp/platform';
import type { OrderContext } from '../domain/context.ts';
import { actionRoutes } from './actions.ts';
import { cartRoutes } from './cart.ts';
import { exchangeRoutes } from './exchanges.ts';
import { orderRoutes } from './orders.ts';

/** The public routes of the order service. */
export function routes(app: App, ctx: OrderContext): void {
  cartRoutes(app, ctx);
  orderRoutes(app, ctx);
  actionRoutes(app, ctx);
  exchangeRoutes(app, ctx);
}
