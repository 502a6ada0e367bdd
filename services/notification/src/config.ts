import { baseConfigSchema, envFlag, type ServiceConfig, type ServiceDeps, z } from '@mp/platform';
import type { Database } from './db/schema.ts';
import { serviceAccountSchema } from './push/service-account.ts';

/** A service-account key file's JSON, as a secret holds it. */
const serviceAccountJson = z
  .string()
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON (a Google service-account key file)' });
      return z.NEVER;
    }
  })
  .pipe(serviceAccountSchema);

export const config = baseConfigSchema
  .extend({
    /** The Dapr output binding that sends email (bindings.smtp locally, SES on AWS). */
    EMAIL_BINDING: z.string().min(1).default('email'),
    MAIL_FROM: z.string().min(3).default('마켓플레이스 <no-reply@marketplace.local>'),
    /** Where links in messages point (the public API / web origin). */
    PUBLIC_BASE_URL: z.url().default('http://localhost:8080'),
    /** Deliveries of one message before it is given up as failed (notification.failed). */
    NOTIFICATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
    NOTIFICATION_HISTORY_MAX: z.coerce.number().int().min(10).max(1000).default(100),
    /** Push: the Firebase project's service account (JSON, from a secret). Push is off without one. */
    FCM_SERVICE_ACCOUNT_JSON: serviceAccountJson.optional(),
    /** FCM's API (https://fcm.googleapis.com); with FCM_SANDBOX, this service's sandbox (…/sandbox/fcm) when unset. */
    FCM_BASE_URL: z.url().optional(),
    FCM_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(10_000),
    /** Local profiles: serve the FCM sandbox (/sandbox/fcm), trusting the configured service account. */
    FCM_SANDBOX: envFlag.default(false),
    /** SMS (문자) through SNS `Publish`; off turns the channel off. */
    SMS_ENABLED: envFlag.default(true),
    SNS_REGION: z.string().min(1).default('ap-northeast-2'),
    /** Only for an AWS emulator; on AWS the SDK's endpoint and the pod's IRSA role. */
    SNS_ENDPOINT: z.url().optional(),
    SNS_ACCESS_KEY_ID: z.string().optional(),
    SNS_SECRET_ACCESS_KEY: z.string().optional(),
    SMS_SENDER_ID: z.string().max(11).optional(),
    /** 알림톡 through Kakao i 비즈메시지; off without a client id, secret, sender key and 발신번호. */
    KAKAO_BASE_URL: z.url().optional(),
    KAKAO_CLIENT_ID: z.string().min(1).optional(),
    KAKAO_CLIENT_SECRET: z.string().min(1).optional(),
    /** The Kakao channel's 발신 프로필 키. */
    KAKAO_SENDER_KEY: z.string().min(1).optional(),
    /** The 발신번호 registered with the channel. */
    KAKAO_SENDER_NO: z
      .string()
      .regex(/^\d{8,12}$/)
      .optional(),
    KAKAO_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(10_000),
    /** Local profiles: serve the Kakao 비즈메시지 sandbox (/sandbox/kakao). */
    KAKAO_SANDBOX: envFlag.default(false),
    /** Sends of one push or SMS before it is given up (notification.failed). */
    DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
    /** The dispatcher's safety-net poll (it is woken on commit otherwise). */
    NOTIFICATION_JOBS_POLL_MS: z.coerce.number().int().min(50).default(5_000),
  })
  .superRefine((c, ctx) => {
    if (!c.LOCAL_DEV && c.FCM_SANDBOX)
      ctx.addIssue({ code: 'custom', path: ['FCM_SANDBOX'], message: 'only with LOCAL_DEV' });
    if (!c.LOCAL_DEV && c.KAKAO_SANDBOX)
      ctx.addIssue({ code: 'custom', path: ['KAKAO_SANDBOX'], message: 'only with LOCAL_DEV' });
  });

export type NotificationConfig = ServiceConfig<typeof config>;
export type NotificationDeps = ServiceDeps<Database, NotificationConfig>;

/** Where the local sandboxes answer (services/notification/sandbox, mounted by local runs only). */
export const FCM_SANDBOX_BASE = '/sandbox/fcm';
export const KAKAO_SANDBOX_BASE = '/sandbox/kakao';

/** The account a local cluster's pod uses when only KAKAO_SANDBOX is set. */
export const sandboxKakaoAccount: {
  clientId: string;
  clientSecret: string;
  senderKey: string;
  senderNo: string;
} = {
  clientId: 'marketplace-local',
  clientSecret: 'marketplace-local-secret',
  senderKey: 'sandbox-sender-key-0000000000000000000000',
  senderNo: '0212345678',
};

/** Push goes out when FCM has a service account (or the local sandbox makes one). */
export const pushConfigured = (c: NotificationConfig) => Boolean(c.FCM_SERVICE_ACCOUNT_JSON || c.FCM_SANDBOX);

/** The Kakao 비즈메시지 account: the configured one, or the sandbox's own when only KAKAO_SANDBOX is set. */
export function kakaoAccount(c: NotificationConfig) {
  if (c.KAKAO_CLIENT_ID && c.KAKAO_CLIENT_SECRET && c.KAKAO_SENDER_KEY && c.KAKAO_SENDER_NO)
    return {
      clientId: c.KAKAO_CLIENT_ID,
      clientSecret: c.KAKAO_CLIENT_SECRET,
      senderKey: c.KAKAO_SENDER_KEY,
      senderNo: c.KAKAO_SENDER_NO,
    };
  return c.KAKAO_SANDBOX ? sandboxKakaoAccount : undefined;
}
