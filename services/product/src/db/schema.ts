import type { PlatformTables } from '@mp/platform';

/** The tables of the product service's schema (`product`). */
export interface Database extends PlatformTables {}
