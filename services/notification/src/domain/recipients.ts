import type { InternalUser } from '@mp/contracts';
import { type Settled, sql } from '@mp/platform';
import { type NotificationDeps, pushConfigured } from '../config.ts';
import type { Channel } from '../db/schema.ts';
import { e164 } from '../sms/phone.ts';
import { readTextOrder, textChannels } from './channels.ts';
import type { Message } from './message.ts';
import { overridesOf } from './rendering.ts';
import {
  defaultSettings,
  SETTINGS_STORE,
  type Settings,
  settingsKey,
  settingsSchema,
  wants,
} from './settings.ts';
import { textedTemplates } from './template-catalog.ts';
import type { Overrides } from './template-overrides.ts';

/**
 * What sending one message needs from other services and from notification's own tables, read
 * for a whole delivered batch at once, before its transaction opens (the handlers' prepareBatch
 * step): one call to user for every recipient's account, one bulk read of their settings, one
 * statement each for the emails already sent, the devices, the active overrides and the text
 * channels' order. Nothing is kept between batches.
 */
export interface Recipient {
  settings: Settings;
  /** Where its email goes, when the settings want one: the event's address or the account's. */
  email: string | undefined;
  /**
   * This person's email of this event and template went out in an earlier try (set by deliver
   * once it goes out now, so a batch that fails and runs again one event at a time does not mail twice).
   */
  mailed: boolean;
  /** Why no text can reach the account (unknown, deleted, no mobile number); undefined when one can. */
  noText: string | undefined;
  /** The push and text sends the message gets, as the settings and the configuration allow. */
  channels: Channel[];
  /** The text channels after the first, tried in turn when it ends without sending. */
  fallbacks: Channel[];
  /** The operator's active wording of the message's template. */
  overrides: Overrides;
}

/** A message and the event it tells of (the email-sent marks are per event, template and person). */
export interface Addressed {
  eventId: string;
  m: Message;
}

const unique = <T>(xs: (T | undefined)[]) => [...new Set(xs.filter((x): x is T => x !== undefined))];

/** The recipients' settings in one bulk read of the state store; a missing or outdated one is the default. */
async function settingsOf(deps: NotificationDeps, userIds: string[]): Promise<Map<string, Settings>> {
  const saved = await deps.dapr.getStates<Settings>(SETTINGS_STORE, userIds.map(settingsKey));
  return new Map(
    userIds.map((id) => {
      const parsed = settingsSchema.safeParse(saved.get(settingsKey(id))?.value);
      return [id, parsed.success ? parsed.data : defaultSettings];
    }),
  );
}

/** The accounts in calls of at most 200 ids (user's `POST /internal/users/batch`); an unknown id is absent. */
async function accountsOf(deps: NotificationDeps, userIds: string[]): Promise<Map<string, InternalUser>> {
  const out = new Map<string, InternalUser>();
  for (let i = 0; i < userIds.length; i += 200) {
    const { users } = await deps.dapr.call('user.users.batch', {
      body: { userIds: userIds.slice(i, i + 200) },
    });
    for (const u of users) out.set(u.userId, u);
  }
  return out;
}

const attemptKey = (eventId: string, template: string, who: string) => `${eventId}\n${template}\n${who}`;

/** The (event, template, person) whose email went out in an earlier try, in one statement. */
async function mailedOf(deps: NotificationDeps, keys: [string, string, string][]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const { rows } = await sql<{ event_id: string; template: string; user_id: string }>`
    select event_id, template, user_id from delivery_attempts
     where mailed_at is not null
       and (event_id, template, user_id) in (select * from unnest(${keys.map((k) => k[0])}::text[], ${keys.map((k) => k[1])}::text[], ${keys.map((k) => k[2])}::text[]))`.execute(
    deps.db,
  );
  return new Set(rows.map((r) => attemptKey(r.event_id, r.template, r.user_id)));
}

/** The accounts among these that have a device registered, in one statement. */
async function withDevices(deps: NotificationDeps, userIds: string[]): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const rows = await deps.db
    .selectFrom('devices')
    .select('user_id')
    .distinct()
    .where(sql<boolean>`user_id = any(${userIds}::text[])`)
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

/** The reason a text cannot reach this account, or undefined when it has a mobile number. */
function noTextFor(account: InternalUser | undefined): string | undefined {
  if (!account) return 'no such account';
  if (account.status === 'DELETED') return 'the account was deleted';
  return e164(account.phone) ? undefined : 'no mobile number';
}

/** A look-up's answer, or what it failed with (it fails only the messages that need it). */
const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (err: unknown) => ({ ok: false as const, err }),
  );

/**
 * Looks up every message's recipient for a delivered batch (see Recipient). A look-up that fails
 * (user or the state store unreachable) fails only the messages that need it, and so only their
 * events (RETRY); a text whose account could not be looked up is written pending, and the
 * dispatcher looks its number up when it sends. A failing statement of notification's own
 * database fails them all.
 */
export async function recipientsOf(
  deps: NotificationDeps,
  items: Addressed[],
): Promise<Settled<Recipient>[]> {
  const settings = await settle(settingsOf(deps, unique(items.map((x) => x.m.userId))));
  const settingsOfItem = ({ m }: Addressed): Settled<Settings> =>
    !m.userId
      ? { ok: true, value: defaultSettings }
      : settings.ok
        ? { ok: true, value: settings.value.get(m.userId) ?? defaultSettings }
        : settings;
  const want = items.map((x) => {
    const s = settingsOfItem(x);
    return s.ok ? wants(s.value, x.m.category) : undefined;
  });
  const texted = items.map(({ m }, i) =>
    Boolean(want[i]?.sms && m.userId && !m.secret && textedTemplates.has(m.template)),
  );
  // The account gives the address of an email the event names none for, and the number of a text.
  const mailsAccount = items.map(({ m }, i) => Boolean(want[i]?.email && m.userId && !m.email));
  const asked = unique(items.map((x, i) => (mailsAccount[i] || texted[i] ? x.m.userId : undefined)));
  const [accounts, order, mailed, devices, overrides] = await Promise.all([
    asked.length
      ? settle(accountsOf(deps, asked))
      : { ok: true as const, value: new Map<string, InternalUser>() },
    texted.some(Boolean) ? readTextOrder(deps.db) : undefined,
    mailedOf(
      deps,
      items.flatMap((x, i): [string, string, string][] =>
        want[i]?.email ? [[x.eventId, x.m.template, x.m.userId ?? x.m.email ?? '']] : [],
      ),
    ),
    pushConfigured(deps.config)
      ? withDevices(
          deps,
          unique(items.map((x, i) => (want[i]?.push && !x.m.secret ? x.m.userId : undefined))),
        )
      : new Set<string>(),
    overridesOf(
      deps.db,
      items.map((x) => x.m),
    ),
  ]);
  return items.map(({ eventId, m }, i): Settled<Recipient> => {
    const s = settingsOfItem(items[i]!);
    const w = want[i];
    if (!s.ok || !w) return s.ok ? { ok: false, err: new Error('no settings') } : s;
    if (mailsAccount[i] && !accounts.ok) return accounts;
    const account = m.userId && accounts.ok ? accounts.value.get(m.userId) : undefined;
    const live = account && account.status !== 'DELETED' ? account : undefined;
    const text = texted[i] && order ? textChannels(deps, order, m) : [];
    const push = Boolean(w.push && !m.secret && m.userId && devices.has(m.userId));
    return {
      ok: true,
      value: {
        settings: s.value,
        email: w.email ? (m.email ?? live?.email) : undefined,
        mailed: mailed.has(attemptKey(eventId, m.template, m.userId ?? m.email ?? '')),
        noText: text.length && accounts.ok ? noTextFor(account) : undefined,
        channels: [...(push ? (['PUSH'] as const) : []), ...text.slice(0, 1)],
        fallbacks: text.slice(1),
        overrides: overrides[i]!,
      },
    };
  });
}
