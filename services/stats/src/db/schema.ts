import type { PlatformTables } from '@mp/platform';

/** The tables of the stats service's schema (`stats`). */
export interface Database extends PlatformTables {}
