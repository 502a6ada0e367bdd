import type { PlatformTables } from '@mp/platform';

/** The tables of the notification service's schema (`notification`). */
export interface Database extends PlatformTables {}
