import type { PlatformTables } from '@mp/platform';

/** The tables of the auth service's schema (`auth`). */
export interface Database extends PlatformTables {}
