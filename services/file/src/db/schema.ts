import type { PlatformTables } from '@mp/platform';

/** The tables of the file service's schema (`file`). */
export interface Database extends PlatformTables {}
