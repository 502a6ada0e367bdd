import { describeSchema, type Migrations } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': describeSchema('payment service — 결제: payments through the PG, refunds'),
};
