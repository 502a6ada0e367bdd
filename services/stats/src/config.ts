import type { Documents } from '@mp/documents';
import { documentBucketConfig } from '@mp/documents';
import { baseConfigSchema, type ServiceConfig, type ServiceDeps, z } from '@mp/platform';
import type { Database } from './db/schema.ts';

export const config = baseConfigSchema.extend({
  /** Where generated reports (monthly sales CSV) are kept. */
  ...documentBucketConfig('marketplace-reports'),
  /** The Dapr state store of ClickEvents (one record per counted product view), and how long each is kept. */
  CLICK_EVENTS_STORE: z.string().default('clickevents'),
  CLICK_EVENTS_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
});

export type Config = ServiceConfig<typeof config>;
export type Deps = ServiceDeps<Database, Config>;

/** What stats' routes and handlers share: the kit's parts and the report store, made once. */
export interface StatsContext {
  deps: Deps;
  storage: Documents;
}
