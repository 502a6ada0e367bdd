import { describeSchema, type Migrations } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': describeSchema('coupon service — 쿠폰: coupons and promotions'),
};
