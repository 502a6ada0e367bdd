import { type Dapr, decodeCursor, keysetPage, StateConflictError, z } from '@mp/platform';

/** One notification as its recipient sees it (DynamoDB `Notifications` on AWS). */
export interface Entry {
  id: string;
  channel: 'EMAIL' | 'IN_APP';
  template: string;
  category: string;
  title: string;
  body: string;
  link: string | null;
  status: 'SENT' | 'FAILED';
  sourceEventId: string;
  createdAt: string;
  readAt: string | null;
  /** How it went out on each channel tried (email, push, SMS); absent in entries made before push and SMS. */
  deliveries?: Delivery[];
}

/** One channel's delivery of a notification: pending until the dispatcher is done with it. */
export interface Delivery {
  channel: 'EMAIL' | 'PUSH' | 'SMS' | 'ALIMTALK';
  status: 'PENDING' | 'SENT' | 'FAILED' | 'SKIPPED';
  reason: string | null;
  at: string;
}

export const HISTORY_STORE = 'notifications';
export const historyKey = (userId: string) => `notifications:${userId}`;

export async function readHistory(dapr: Dapr, userId: string): Promise<Entry[]> {
  return (await dapr.getState<{ items: Entry[] }>(HISTORY_STORE, historyKey(userId))).value?.items ?? [];
}

/** The change of each user's history under way in this process, which the next one waits for. */
const pending = new Map<string, Promise<unknown>>();

/**
 * Changes a user's history with ETags, retrying when another write got there first. Changes of one
 * user's history in this process run one at a time: a burst for one person (a seller told of a
 * flash sale's hundred orders, twenty deliveries at once) otherwise raced on the ETag, nearly every
 * write lost, and the deliveries kept their transactions open for minutes. Other replicas still
 * meet at the ETag.
 */
function change<T>(
  dapr: Dapr,
  userId: string,
  fn: (items: Entry[]) => { items: Entry[]; result: T },
): Promise<T> {
  const before = pending.get(userId) ?? Promise.resolve();
  const mine = before.then(() => changeNow(dapr, userId, fn));
  const settled = mine.catch(() => {});
  pending.set(userId, settled);
  void settled.then(() => {
    if (pending.get(userId) === settled) pending.delete(userId);
  });
  return mine;
}

async function changeNow<T>(
  dapr: Dapr,
  userId: string,
  fn: (items: Entry[]) => { items: Entry[]; result: T },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const { value, etag } = await dapr.getState<{ items: Entry[] }>(HISTORY_STORE, historyKey(userId));
    const current = value?.items ?? [];
    const { items, result } = fn(current);
    if (items === current) return result;
    try {
      // The first entry only if there is still none: two first writes would otherwise both win.
      await dapr.saveState(
        HISTORY_STORE,
        historyKey(userId),
        { items },
        etag ? { etag } : { ifAbsent: true },
      );
      return result;
    } catch (err) {
      if (!(err instanceof StateConflictError) || attempt >= 4) throw err;
    }
  }
}

/** Adds an entry newest first, keeping `max`; the same event and template twice is one entry. */
export const record = (dapr: Dapr, userId: string, e: Entry, max: number) =>
  change(dapr, userId, (items) => {
    const rest = items.filter((i) => !(i.sourceEventId === e.sourceEventId && i.template === e.template));
    return { items: [e, ...rest].slice(0, max), result: undefined };
  });

/** Notes how one channel's delivery ended on the entry of that event and template, if the user keeps one. */
export const noteDelivery = (
  dapr: Dapr,
  userId: string,
  sourceEventId: string,
  template: string,
  d: Delivery,
) =>
  change(dapr, userId, (items) => {
    const mine = (i: Entry) => i.sourceEventId === sourceEventId && i.template === template;
    if (!items.some(mine)) return { items, result: undefined };
    return {
      items: items.map((i) =>
        mine(i)
          ? { ...i, deliveries: [...(i.deliveries ?? []).filter((x) => x.channel !== d.channel), d] }
          : i,
      ),
      result: undefined,
    };
  });

export const markRead = (dapr: Dapr, userId: string, id: string) =>
  change(dapr, userId, (items) => {
    const found = items.some((i) => i.id === id);
    const at = new Date().toISOString();
    return { items: items.map((i) => (i.id === id && !i.readAt ? { ...i, readAt: at } : i)), result: found };
  });

const position = z.object({ at: z.string(), id: z.string() });

/** A keyset page, newest first. */
export function page(items: Entry[], limit: number, cursor: string | undefined, unreadOnly: boolean) {
  const after = decodeCursor(cursor, position);
  const rest = items
    .filter((i) => !unreadOnly || !i.readAt)
    .filter((i) => !after || i.createdAt < after.at || (i.createdAt === after.at && i.id < after.id));
  const { page: out, nextCursor } = keysetPage(rest, limit, (last) => ({ at: last.createdAt, id: last.id }));
  return {
    items: out,
    nextCursor,
  };
}
