import type { PlatformTables } from '@mp/platform';

/** The tables of the user service's schema (`users`). */
export interface Database extends PlatformTables {}
