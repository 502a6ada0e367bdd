import { type Dapr, z } from '@mp/platform';

/** What a message is about; a user may turn each category off, except `account` (security mail). */
export const categories = ['orders', 'shipping', 'seller', 'marketing'] as const;
export type Category = (typeof categories)[number] | 'account';

const perCategory = z
  .object({ orders: z.boolean(), shipping: z.boolean(), seller: z.boolean(), marketing: z.boolean() })
  .strict();
type PerCategory = z.infer<typeof perCategory>;

/**
 * Push and SMS (문자) per category. Marketing (광고성 정보) is off on every channel until the user
 * opts in, as 정보통신망법 §50 requires.
 */
const channelDefaults: PerCategory = { orders: true, shipping: true, seller: true, marketing: false };

/** Settings as they are stored and answered; a document saved before push and SMS existed gets their defaults. */
export const settingsSchema = z
  .object({
    channels: z.object({ email: z.boolean(), inApp: z.boolean() }).strict(),
    categories: perCategory,
    push: perCategory.default(channelDefaults),
    sms: perCategory.default(channelDefaults),
  })
  .strict();
export type Settings = z.infer<typeof settingsSchema>;

/** What `PUT` takes: `push` and `sms` may be left out (older clients), keeping what was saved. */
export const settingsInput = settingsSchema.extend({
  push: perCategory.optional(),
  sms: perCategory.optional(),
});

export const defaultSettings: Settings = {
  channels: { email: true, inApp: true },
  categories: { orders: true, shipping: true, seller: true, marketing: false },
  push: channelDefaults,
  sms: channelDefaults,
};

/** The notification settings (DynamoDB `NotificationSettings` on AWS). */
export const SETTINGS_STORE = 'notificationsettings';
export const settingsKey = (userId: string) => `settings:${userId}`;

export async function readSettings(dapr: Dapr, userId: string): Promise<Settings> {
  const saved = (await dapr.getState<Settings>(SETTINGS_STORE, settingsKey(userId))).value;
  const parsed = settingsSchema.safeParse(saved);
  return parsed.success ? parsed.data : defaultSettings;
}

export const saveSettings = (dapr: Dapr, userId: string, s: Settings) =>
  dapr.saveState(SETTINGS_STORE, settingsKey(userId), s);

/**
 * Whether a message of this category goes out by email / shows in the app / is pushed / is texted.
 * Account messages always go by email and push; a category turned off goes nowhere.
 */
export function wants(s: Settings, category: Category) {
  if (category === 'account') return { email: true, inApp: s.channels.inApp, push: true, sms: true };
  const on = s.categories[category];
  return {
    email: on && s.channels.email,
    inApp: on && s.channels.inApp,
    push: on && s.push[category],
    sms: on && s.sms[category],
  };
}
