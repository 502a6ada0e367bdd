import type { PlatformTables } from '@mp/platform';

/** The tables of the admin service's schema (`admin`). */
export interface Database extends PlatformTables {}
