import type { PlatformTables } from '@mp/platform';

/** The tables of the inventory service's schema (`inventory`). */
export interface Database extends PlatformTables {}
