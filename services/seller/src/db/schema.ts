import type { PlatformTables } from '@mp/platform';

/** The tables of the seller service's schema (`seller`). */
export interface Database extends PlatformTables {}
