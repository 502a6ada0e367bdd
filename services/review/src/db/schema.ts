import type { PlatformTables } from '@mp/platform';

/** The tables of the review service's schema (`review`). */
export interface Database extends PlatformTables {}
