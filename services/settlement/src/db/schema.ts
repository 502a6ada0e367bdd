import type { PlatformTables } from '@mp/platform';

/** The tables of the settlement service's schema (`settlement`). */
export interface Database extends PlatformTables {}
