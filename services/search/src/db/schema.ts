import type { PlatformTables } from '@mp/platform';

/** The tables of the search service's schema (`search`). */
export interface Database extends PlatformTables {}
