import type { PlatformTables } from '@mp/platform';

/** The tables of the payment service's schema (`payment`). */
export interface Database extends PlatformTables {}
