import {
  FCM_SANDBOX_BASE,
  KAKAO_SANDBOX_BASE,
  kakaoAccount,
  type NotificationConfig,
  type NotificationDeps,
} from './config.ts';
import type { Dispatcher } from './domain/dispatch.ts';
import { kakaoClient } from './kakao/bizmessage.ts';
import { fcmClient } from './push/fcm.ts';
import { type ServiceAccount, sandboxServiceAccount } from './push/service-account.ts';
import { snsTexter } from './sms/sns.ts';

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** What notification's routes, handlers, dispatcher and local sandboxes share, built once. */
export interface NotificationContext {
  deps: NotificationDeps;
  /** Sends what the deliveries table holds: push (FCM), 알림톡 (Kakao), SMS (SNS). */
  dispatcher: Dispatcher;
  /** The FCM service account: the configured one, or one the FCM sandbox alone makes (a local cluster). */
  pushAccount: ServiceAccount | undefined;
}

const sandboxUrl = (c: NotificationConfig, base: string) => `http://127.0.0.1:${c.PORT}${base}`;

/** The channels' clients, from the config; tests pass a `fetch` that reaches the sandboxes through the app. */
export function notificationContext(deps: NotificationDeps, fetch?: Fetch): NotificationContext {
  const c = deps.config;
  const fcmSelf = sandboxUrl(c, FCM_SANDBOX_BASE);
  const pushAccount =
    c.FCM_SERVICE_ACCOUNT_JSON ?? (c.FCM_SANDBOX ? sandboxServiceAccount(`${fcmSelf}/token`) : undefined);
  const kakao = kakaoAccount(c);
  const dispatcher: Dispatcher = {
    deps,
    fcm: pushAccount
      ? fcmClient({
          serviceAccount: pushAccount,
          baseUrl: c.FCM_BASE_URL ?? (c.FCM_SANDBOX ? fcmSelf : 'https://fcm.googleapis.com'),
          timeoutMs: c.FCM_TIMEOUT_MS,
          ...(fetch ? { fetch } : {}),
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
            (c.KAKAO_SANDBOX ? sandboxUrl(c, KAKAO_SANDBOX_BASE) : 'https://bizmsg-web.kakaoenterprise.com'),
          timeoutMs: c.KAKAO_TIMEOUT_MS,
          ...(fetch ? { fetch } : {}),
        })
      : undefined,
  };
  return { deps, dispatcher, pushAccount };
}
