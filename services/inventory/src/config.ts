import { baseConfigSchema, type ServiceConfig, z } from '@mp/platform';

/** The inventory service's variables (the kit's base ones and these). */
export const config = baseConfigSchema.extend({
  /** How long an unpaid reservation holds stock when the caller does not say. */
  RESERVATION_TTL_SECONDS: z.coerce.number().int().min(1).max(604_800).default(900),
  /** Extra time after an order's payment deadline before the safety net releases its stock. */
  RESERVATION_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** How often the expiry worker looks for lapsed reservations. */
  RESERVATION_SWEEP_MS: z.coerce.number().int().min(100).default(10_000),
  /** 품절임박 threshold of a SKU whose seller gave none. */
  DEFAULT_LOW_STOCK_THRESHOLD: z.coerce.number().int().min(0).default(5),
});
export type InventoryConfig = ServiceConfig<typeof config>;
