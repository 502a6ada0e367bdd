import { type Dapr, z } from '@mp/platform';

/** What a message is about; a user may turn each category off, except `account` (security mail). */
export const categories = ['orders', 'shipping', 'seller', 'marketing'] as const;
export type Category = (typeof categories)[number] | 'account';

export const settingsSchema = z
  .object({
    channels: z.object({ email: z.boolean(), inApp: z.boolean() }).strict(),
    categories: z
      .object({ orders: z.boolean(), shipping: z.boolean(), seller: z.boolean(), marketing: z.boolean() })
      .strict(),
  })
  .strict();
export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings: Settings = {
  channels: { email: true, inApp: true },
  categories: { orders: true, shipping: true, seller: true, marketing: false },
};

/** The seed's DynamoDB `NotificationSettings`. */
export const SETTINGS_STORE = 'notificationsettings';
const key = (userId: string) => `settings:${userId}`;

export async function readSettings(dapr: Dapr, userId: string): Promise<Settings> {
  const saved = (await dapr.getState<Settings>(SETTINGS_STORE, key(userId))).value;
  const parsed = settingsSchema.safeParse(saved);
  return parsed.success ? parsed.data : defaultSettings;
}

export const saveSettings = (dapr: Dapr, userId: string, s: Settings) =>
  dapr.saveState(SETTINGS_STORE, key(userId), s);

/** Whether a message of this category goes out by email / shows in the app. */
export function wants(s: Settings, category: Category) {
  const on = category === 'account' || s.categories[category];
  return { email: on && (category === 'account' || s.channels.email), inApp: on && s.channels.inApp };
}
