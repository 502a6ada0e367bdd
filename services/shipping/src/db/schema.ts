import type { PlatformTables } from '@mp/platform';

/** The tables of the shipping service's schema (`shipping`). */
export interface Database extends PlatformTables {}
