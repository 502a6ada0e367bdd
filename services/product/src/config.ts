import { baseConfigSchema, type ServiceConfig, z } from '@mp/platform';

/** The product service's variables (the kit's base ones and these). */
export const config = baseConfigSchema.extend({
  /** How many products a user's recent views (최근 본 상품) keep. */
  RECENT_VIEWS_MAX_ITEMS: z.coerce.number().int().min(1).max(500).default(50),
  /** How often changed popularity (sales, reviews, views) is announced to search. */
  POPULARITY_PUBLISH_MS: z.coerce.number().int().min(100).default(60_000),
});
export type ProductConfig = ServiceConfig<typeof config>;
