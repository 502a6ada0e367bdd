import type { Documents } from '@mp/documents';
import { documentBucketConfig } from '@mp/documents';
import { baseConfigSchema, type ServiceConfig, type ServiceDeps, type z } from '@mp/platform';
import type { Database } from './db/schema.ts';

export const config = baseConfigSchema.extend({
  /** Where generated reports (monthly sales CSV) are kept. */
  ...documentBucketConfig('marketplace-reports'),
});

export type Config = ServiceConfig<typeof config>;
export type Deps = ServiceDeps<Database, Config>;

/** What stats' routes and handlers share: the kit's parts and the report store, made once. */
export interface StatsContext {
  deps: Deps;
  storage: Documents;
}
