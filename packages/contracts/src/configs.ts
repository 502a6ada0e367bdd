import { z } from 'zod';
import { id } from './primitives.ts';
import type { ServiceName } from './services.ts';

/** A rate in basis points: 1 bp = 0.01 %, so 1080 is 10.8 %. Integers, so a rate is never a float. */
export const rateBp = z.int().min(0).max(10_000);

/** The channels a 문자 goes by: 카카오 알림톡, SMS/LMS. */
const textChannels = z
  .array(z.enum(['ALIMTALK', 'SMS']))
  .min(1)
  .max(2)
  .refine((a) => new Set(a).size === a.length, 'each channel at most once');

interface ConfigSpec<S extends z.ZodType> {
  /** The service that applies the setting; admin stores it and hands every change to the owner. */
  owner: ServiceName;
  description: string;
  schema: S;
  default: z.infer<S>;
}
const spec = <S extends z.ZodType>(s: ConfigSpec<S>) => s;

/**
 * System settings (시스템 설정, `admin_db.system_configs`): each key with the schema its
 * value must match, its default, and the service that applies it. Admin validates and keeps the
 * values; the owner receives each new version through Dapr and applies the newest it has seen.
 */
export const systemConfigs = {
  'notification.textChannels': spec({
    owner: 'notification',
    description:
      '문자 채널 순서: the channels a text message (결제 완료, 발송, 배송 완료, 취소, 환불, 판매자 새 주문) tries, in order, per message (template) or by default; the next is used when one fails or cannot reach the person (no KakaoTalk).',
    schema: z.object({
      default: textChannels,
      byTemplate: z.record(z.string().min(1).max(64), textChannels).default({}),
    }),
    default: { default: ['ALIMTALK' as const, 'SMS' as const], byTemplate: {} },
  }),
  'settlement.commission': spec({
    owner: 'settlement',
    description:
      '판매수수료: commission rates in basis points. A seller override wins over its category, which wins over the default. Applies to orders placed after the change.',
    schema: z.object({
      defaultRateBp: rateBp,
      byCategory: z.record(id, rateBp).default({}),
      bySeller: z.record(id, rateBp).default({}),
    }),
    default: { defaultRateBp: 1080, byCategory: {}, bySeller: {} },
  }),
  'settlement.schedule': spec({
    owner: 'settlement',
    description:
      '정산 주기: the period each scheduled settlement run closes (the day, Monday–Sunday week or month before, Korean time), whether scheduled runs happen at all, and whether what they settle is paid out by a scheduled payout batch per period (payouts; absent: yes).',
    schema: z.object({
      cycle: z.enum(['DAILY', 'WEEKLY', 'MONTHLY']),
      enabled: z.boolean(),
      payouts: z.boolean().optional(),
    }),
    default: { cycle: 'DAILY' as const, enabled: true, payouts: true },
  }),
  'stats.monthlyReport': spec({
    owner: 'stats',
    description: '월간 매출 리포트: whether the monthly sales report is generated after each month ends.',
    schema: z.object({ enabled: z.boolean() }),
    default: { enabled: true },
  }),
} as const;

export type ConfigKey = keyof typeof systemConfigs;
export type ConfigValue<K extends ConfigKey> = z.infer<(typeof systemConfigs)[K]['schema']>;
export const configKeys = Object.keys(systemConfigs) as ConfigKey[];
export const isConfigKey = (k: string): k is ConfigKey => Object.hasOwn(systemConfigs, k);

/** The keys a service applies. */
export const configsOwnedBy = (service: ServiceName): ConfigKey[] =>
  configKeys.filter((k) => systemConfigs[k].owner === service);
