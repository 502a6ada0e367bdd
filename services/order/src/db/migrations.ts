import { describeSchema, type Migrations } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': describeSchema('order service — 주문: cart, orders and their lifecycle'),
};
