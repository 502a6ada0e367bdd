import { type LocalMount, type ServiceDefinition, wakeableWorker } from '@mp/platform';
import { config } from './config.ts';
import { type Fetch, type NotificationContext, notificationContext } from './context.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { dispatch } from './domain/dispatch.ts';
import { handlers } from './events/handlers.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';

/**
 * The notification service. A local run passes the FCM and Kakao sandboxes (`local`,
 * services/notification/sandbox); tests pass a `fetch` that reaches them through the app itself.
 */
export function notificationService(
  o: { fetch?: Fetch; local?: LocalMount<NotificationContext> } = {},
): ServiceDefinition<Database, typeof config, NotificationContext> {
  return {
    name: 'notification',
    description:
      '알림: email (Dapr output binding), push (FCM), 카카오 알림톡 with SMS (SNS) fallback, in-app history and settings',
    config,
    migrations,
    context: (deps) => notificationContext(deps, o.fetch),
    routes: (app, ctx) => routes(app, ctx.deps),
    internal: (app, ctx) => internalRoutes(app, ctx.deps),
    ...(o.local ? { local: o.local } : {}),
    handlers: (ctx) => handlers(ctx.deps),
    workers: ({ deps, dispatcher }) => [
      wakeableWorker(
        'notification-deliveries',
        {
          pollMs: deps.config.NOTIFICATION_JOBS_POLL_MS,
          log: deps.log,
          listen: {
            databaseUrl: deps.config.DATABASE_URL,
            channel: 'notification_deliveries',
            schema: deps.config.DB_SCHEMA,
          },
        },
        () => dispatch(dispatcher),
      ),
    ],
  };
}

export const service = notificationService();
