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
 * Runs `run` once the changes of these users' histories already under way in this process are
 * done, and holds back the next ones until it is: a burst for one person (a seller told of a flash
 * sale's hundred orders, twenty deliveries at once) otherwise raced on the ETag, nearly every write
 * lost, and the deliveries kept their transactions open for minutes. Other replicas still meet at
 * the ETag.
 */
function serialised<T>(userIds: string[], run: () => Promise<T>): Promise<T> {
  const users = [...new Set(userIds)];
  const mine = Promise.all(users.map((u) => pending.get(u))).then(run);
  const settled = mine.catch(() => {});
  for (const u of users) pending.set(u, settled);
  void settled.then(() => {
    for (const u of users) if (pending.get(u) === settled) pending.delete(u);
  });
  return mine;
}

type Change = (items: Entry[]) => Entry[];

/** Changes one user's history with its ETag, retrying when another write got there first. */
function change<T>(dapr: Dapr, userId: string, fn: (items: Entry[]) => { items: Entry[]; result: T }) {
  let result: T | undefined;
  return serialised([userId], () =>
    changeNow(
      dapr,
      new Map([
        [
          userId,
          (items: Entry[]) => {
            const out = fn(items);
            result = out.result;
            return out.items;
          },
        ],
      ]),
    ),
  ).then(() => result as T);
}

/** Transactions on DynamoDB take at most 100 writes. */
const MAX_WRITES = 100;

/**
 * Applies each user's change: one bulk read of their histories, the first entry of a user written
 * alone only if there is still none (two first writes would otherwise both win, and a Redis
 * transaction cannot say "only if absent"), every other history in one ETag-guarded state
 * transaction. The histories another write got to first are read again and changed again, up to
 * five times; a change must therefore leave a history it was already applied to as it is (Redis
 * does not roll a transaction back: some of its writes may have landed).
 */
async function changeNow(dapr: Dapr, changes: Map<string, Change>): Promise<void> {
  let todo = [...changes.keys()];
  for (let attempt = 0; todo.length; attempt++) {
    const read = await dapr.getStates<{ items: Entry[] }>(HISTORY_STORE, todo.map(historyKey));
    const firsts: { userId: string; items: Entry[] }[] = [];
    const writes: { userId: string; key: string; value: { items: Entry[] }; etag: string }[] = [];
    for (const userId of todo) {
      const { value, etag } = read.get(historyKey(userId))!;
      const current = value?.items ?? [];
      const items = changes.get(userId)!(current);
      if (items === current) continue;
      if (etag) writes.push({ userId, key: historyKey(userId), value: { items }, etag });
      else firsts.push({ userId, items });
    }
    const lost: string[] = [];
    const conflict = (users: string[]) => (err: unknown) => {
      if (!(err instanceof StateConflictError) || attempt >= 4) throw err;
      lost.push(...users);
    };
    await Promise.all([
      ...firsts.map((f) =>
        dapr
          .saveState(HISTORY_STORE, historyKey(f.userId), { items: f.items }, { ifAbsent: true })
          .catch(conflict([f.userId])),
      ),
      ...chunks(writes, MAX_WRITES).map((c) =>
        dapr
          .saveStates(
            HISTORY_STORE,
            c.map(({ key, value, etag }) => ({ key, value, etag })),
          )
          .catch(conflict(c.map((w) => w.userId))),
      ),
    ]);
    todo = lost;
  }
}

const chunks = <T>(xs: T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/**
 * Adds a batch's entries to their recipients' histories at once, newest first, keeping `max` each;
 * the same event and template twice is one entry (a redelivered event replaces its entry; an entry
 * already there, written by an earlier try of this change, leaves the history as it is).
 */
export function recordAll(dapr: Dapr, entries: { userId: string; entry: Entry }[], max: number) {
  const byUser = Map.groupBy(entries, (e) => e.userId);
  const changes = new Map<string, Change>(
    [...byUser].map(([userId, mine]) => [
      userId,
      (items: Entry[]) => {
        let out = items;
        for (const { entry: e } of mine) {
          if (out.some((i) => i.id === e.id)) continue;
          const rest = out.filter((i) => !(i.sourceEventId === e.sourceEventId && i.template === e.template));
          out = [e, ...rest].slice(0, max);
        }
        return out;
      },
    ]),
  );
  return serialised([...byUser.keys()], () => changeNow(dapr, changes));
}

/** How one channel's delivery of a message ended, for the entry of its event and template. */
export interface DeliveryNote {
  userId: string;
  sourceEventId: string;
  template: string;
  delivery: Delivery;
}

/** The history with the note on its entry; the same array when it has no such entry. */
function noted(items: Entry[], n: DeliveryNote): Entry[] {
  const mine = (i: Entry) => i.sourceEventId === n.sourceEventId && i.template === n.template;
  if (!items.some(mine)) return items;
  const d = n.delivery;
  return items.map((i) =>
    mine(i) ? { ...i, deliveries: [...(i.deliveries ?? []).filter((x) => x.channel !== d.channel), d] } : i,
  );
}

/**
 * Notes how deliveries ended on their entries, for the users who keep one, in their order: each
 * person's history read and written once for all of theirs (one bulk read and one state
 * transaction, as recordAll), whatever the number of channels and people.
 */
export function noteDeliveries(dapr: Dapr, notes: DeliveryNote[]) {
  if (!notes.length) return Promise.resolve();
  const byUser = Map.groupBy(notes, (n) => n.userId);
  const changes = new Map<string, Change>(
    [...byUser].map(([userId, mine]) => [userId, (items: Entry[]) => mine.reduce(noted, items)]),
  );
  return serialised([...byUser.keys()], () => changeNow(dapr, changes));
}

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
