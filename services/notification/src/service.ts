import { type ServiceDefinition, wakeableWorker } from '@mp/platform';
import { FCM_SANDBOX_BASE, fcmSandbox } from '../sandbox/fcm.ts';
import { KAKAO_SANDBOX_BASE, kakaoSandbox } from '../sandbox/kakao.ts';
import { config, kakaoAccount, type NotificationConfig, type NotificationDeps } from './config.ts';
import { migrations } from './db/migrations.ts';
import type { Database } from './db/schema.ts';
import { type Dispatcher, dispatch } from './domain/dispatch.ts';
import { handlers } from './events/handlers.ts';
import { kakaoClient } from './kakao/bizmessage.ts';
import { fcmClient } from './push/fcm.ts';
import { type ServiceAccount, sandboxServiceAccount } from './push/service-account.ts';
import { routes } from './routes/index.ts';
import { internalRoutes } from './routes/internal.ts';
import { snsTexter } from './sms/sns.ts';

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** The notification service; tests pass a `fetch` that reaches the FCM sandbox through the app itself. */
export function notificationService(o: { fetch?: Fetch } = {}): ServiceDefinition<Database, typeof config> & {
  dispatcher(deps: NotificationDeps): Dispatcher;
} {
  const accounts = new WeakMap<object, ServiceAccount | undefined>();
  const dispatchers = new WeakMap<object, Dispatcher>();
  const self = (c: NotificationConfig) => `http://127.0.0.1:${c.PORT}${FCM_SANDBOX_BASE}`;
  const kakaoSelf = (c: NotificationConfig) => `http://127.0.0.1:${c.PORT}${KAKAO_SANDBOX_BASE}`;

  /** The configured service account; the sandbox alone (a local cluster) makes its own. */
  const accountOf = (c: NotificationConfig, key: object) => {
    if (!accounts.has(key))
      accounts.set(
        key,
        c.FCM_SERVICE_ACCOUNT_JSON ?? (c.FCM_SANDBOX ? sandboxServiceAccount(`${self(c)}/token`) : undefined),
      );
    return accounts.get(key);
  };

  const dispatcherOf = (deps: NotificationDeps): Dispatcher => {
    let d = dispatchers.get(deps.db);
    if (!d) {
      const c = deps.config;
      const sa = accountOf(c, deps.db);
      const kakao = kakaoAccount(c);
      d = {
        deps,
        fcm: sa
          ? fcmClient({
              serviceAccount: sa,
              baseUrl: c.FCM_BASE_URL ?? (c.FCM_SANDBOX ? self(c) : 'https://fcm.googleapis.com'),
              timeoutMs: c.FCM_TIMEOUT_MS,
              ...(o.fetch ? { fetch: o.fetch } : {}),
            })
          : undefined,
        texter: c.SMS_ENABLED
          ? snsTexter({
              region: c.SNS_REGION,
              endpoint: c.SNS_ENDPOINT,
              credentials:
                c.SNS_ACCESS_KEY_ID && c.SNS_SECRET_ACCESS_KEY
                  ? { accessKeyId: c.SNS_ACCESS_KEY_ID, secretAccessKey: c.SNS_SECRET_ACCESS_KEY }
                  : undefined,
              senderId: c.SMS_SENDER_ID,
            })
          : undefined,
        kakao: kakao
          ? kakaoClient({
              ...kakao,
              baseUrl:
                c.KAKAO_BASE_URL ??
                (c.KAKAO_SANDBOX ? kakaoSelf(c) : 'https://bizmsg-web.kakaoenterprise.com'),
              timeoutMs: c.KAKAO_TIMEOUT_MS,
              ...(o.fetch ? { fetch: o.fetch } : {}),
            })
          : undefined,
      };
      dispatchers.set(deps.db, d);
    }
    return d;
  };

  return {
    dispatcher: dispatcherOf,
    name: 'notification',
    description:
      '알림: email (Dapr output binding), push (FCM), 카카오 알림톡 with SMS (SNS) fallback, in-app history and settings',
    config,
    migrations,
    routes(app, deps) {
      routes(app, deps);
      const sa = accountOf(deps.config, deps.db);
      if (deps.config.LOCAL_DEV && deps.config.FCM_SANDBOX && sa) fcmSandbox(app, deps.db as never, sa);
      const kakao = kakaoAccount(deps.config);
      if (deps.config.LOCAL_DEV && deps.config.KAKAO_SANDBOX && kakao)
        kakaoSandbox(app, deps.db as never, kakao);
    },
    internal: internalRoutes,
    handlers,
    workers: (deps) => [
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
        () => dispatch(dispatcherOf(deps)),
      ),
    ],
  };
}

export const service = notificationService();
