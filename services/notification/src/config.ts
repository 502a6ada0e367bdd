import { baseConfigSchema, type ServiceDeps, z } from '@mp/platform';
import type { Database } from './db/schema.ts';

export const config = baseConfigSchema.extend({
  /** The Dapr output binding that sends email (bindings.smtp locally, SES on AWS). */
  EMAIL_BINDING: z.string().min(1).default('email'),
  MAIL_FROM: z.string().min(3).default('마켓플레이스 <no-reply@marketplace.local>'),
  /** Where links in messages point (the public API / web origin). */
  PUBLIC_BASE_URL: z.url().default('http://localhost:8080'),
  /** Deliveries of one message before it is given up as failed (notification.failed). */
  NOTIFICATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  NOTIFICATION_HISTORY_MAX: z.coerce.number().int().min(10).max(1000).default(100),
});

export type NotificationConfig = z.infer<typeof config> & { PORT: number; DB_SCHEMA: string };
export type NotificationDeps = ServiceDeps<Database, NotificationConfig>;
