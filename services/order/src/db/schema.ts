import type { PlatformTables } from '@mp/platform';

/** The tables of the order service's schema (`orders`). */
export interface Database extends PlatformTables {}
