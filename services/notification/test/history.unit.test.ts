import { withoutSidecar } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { type Entry, readHistory, recordAll } from '../src/domain/history.ts';

const record = (dapr: Parameters<typeof recordAll>[0], userId: string, entry: Entry, max: number) =>
  recordAll(dapr, [{ userId, entry }], max);

const entry = (i: number): Entry => ({
  id: `n-${i}`,
  channel: 'IN_APP',
  template: 'seller-new-order',
  category: 'seller',
  title: '새 주문',
  body: `주문 ${i}`,
  link: null,
  status: 'SENT',
  sourceEventId: `e-${i}`,
  createdAt: new Date(Date.now() + i).toISOString(),
  readAt: null,
});

describe("a user's in-app history", () => {
  it('takes a burst of entries for one person at once, every one of them (no ETag race lost)', async () => {
    const dapr = withoutSidecar();
    const saves: number[] = [];
    const save = dapr.saveState.bind(dapr);
    const saveAll = dapr.saveStates.bind(dapr);
    dapr.saveState = async (...args) => {
      saves.push(1);
      return save(...args);
    };
    dapr.saveStates = async (...args) => {
      saves.push(1);
      return saveAll(...args);
    };
    // A seller told of a flash sale's orders: twenty deliveries at once, as the broker hands them.
    await Promise.all(Array.from({ length: 20 }, (_, i) => record(dapr, 'seller-1', entry(i), 100)));
    const items = await readHistory(dapr, 'seller-1');
    expect(items.map((i) => i.id).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `n-${i}`).sort());
    // One write each: none lost to another's ETag and written again.
    expect(saves).toHaveLength(20);
    // Another replica wrote the person's first entry after this one read "none": that entry stays.
    const store = withoutSidecar();
    await record(store, 'buyer-2', entry(1), 100);
    let stale = true;
    const replica = Object.assign(withoutSidecar(), {
      getStates: async (name: string, keys: string[]) => {
        if (!stale) return store.getStates(name, keys);
        stale = false;
        return new Map(keys.map((k) => [k, { value: undefined, etag: undefined }]));
      },
      saveState: store.saveState,
      saveStates: store.saveStates,
    });
    await record(replica as never, 'buyer-2', entry(2), 100);
    expect((await readHistory(store, 'buyer-2')).map((i) => i.id).sort()).toEqual(['n-1', 'n-2']);
    // Another person's history is not held up behind them.
    await record(dapr, 'buyer-1', entry(99), 100);
    expect(await readHistory(dapr, 'buyer-1')).toHaveLength(1);
  });

  it("writes a batch's entries with one read and one state transaction, and again only what another write got to first", async () => {
    const dapr = withoutSidecar();
    for (const u of ['seller-1', 'buyer-1', 'buyer-2']) await record(dapr, u, entry(0), 100);
    const reads: string[][] = [];
    const transactions: string[][] = [];
    const getStates = dapr.getStates.bind(dapr);
    const saveStates = dapr.saveStates.bind(dapr);
    dapr.getStates = async (store, keys) => {
      reads.push(keys);
      return getStates(store, keys);
    };
    let raced = false;
    dapr.saveStates = async (store, writes) => {
      transactions.push(writes.map((w) => w.key));
      if (!raced) {
        // Another replica adds to buyer-2's history between this read and this write.
        raced = true;
        const { etag, value } = await getStates<{ items: Entry[] }>(store, ['notifications:buyer-2']).then(
          (m) => m.get('notifications:buyer-2')!,
        );
        await dapr.saveState(
          store,
          'notifications:buyer-2',
          { items: [entry(50), ...value!.items] },
          { etag: etag! },
        );
      }
      return saveStates(store, writes);
    };
    // One batch: the seller told of three orders, each buyer of theirs, and a redelivered entry.
    const batch = [
      { userId: 'seller-1', entry: entry(1) },
      { userId: 'buyer-1', entry: entry(2) },
      { userId: 'seller-1', entry: entry(3) },
      { userId: 'buyer-2', entry: entry(4) },
      { userId: 'seller-1', entry: entry(5) },
      { userId: 'buyer-1', entry: { ...entry(2), id: 'n-2-again' } },
    ];
    await recordAll(dapr, batch, 100);
    expect(reads).toHaveLength(2);
    expect(transactions).toEqual([
      ['notifications:seller-1', 'notifications:buyer-1', 'notifications:buyer-2'],
      ['notifications:seller-1', 'notifications:buyer-1', 'notifications:buyer-2'],
    ]);
    expect((await readHistory(dapr, 'seller-1')).map((i) => i.id)).toEqual(['n-5', 'n-3', 'n-1', 'n-0']);
    // The same event and template twice is one entry, the later one.
    expect((await readHistory(dapr, 'buyer-1')).map((i) => i.id)).toEqual(['n-2-again', 'n-0']);
    // The other replica's entry stays; this batch's is there once.
    expect((await readHistory(dapr, 'buyer-2')).map((i) => i.id)).toEqual(['n-4', 'n-50', 'n-0']);
    // The batch delivered again (its transaction rolled back after the write): nothing added twice.
    await recordAll(dapr, batch, 100);
    expect((await readHistory(dapr, 'seller-1')).map((i) => i.id)).toEqual(['n-5', 'n-3', 'n-1', 'n-0']);
    expect((await readHistory(dapr, 'buyer-1')).map((i) => i.id)).toEqual(['n-2-again', 'n-0']);
  });
});
