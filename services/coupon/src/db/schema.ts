import type { PlatformTables } from '@mp/platform';

/** The tables of the coupon service's schema (`coupon`). */
export interface Database extends PlatformTables {}
