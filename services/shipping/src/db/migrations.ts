import { describeSchema, type Migrations } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': describeSchema('shipping service — 배송: shipments, carriers, tracking, returns'),
};
