import { withoutSidecar } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { type Entry, readHistory, record } from '../src/domain/history.ts';

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
    dapr.saveState = async (...args) => {
      saves.push(1);
      return save(...args);
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
      getState: async (name: string, key: string) => {
        if (!stale) return store.getState(name, key);
        stale = false;
        return { value: undefined, etag: undefined };
      },
      saveState: store.saveState,
    });
    await record(replica as never, 'buyer-2', entry(2), 100);
    expect((await readHistory(store, 'buyer-2')).map((i) => i.id).sort()).toEqual(['n-1', 'n-2']);
    // Another person's history is not held up behind them.
    await record(dapr, 'buyer-1', entry(99), 100);
    expect(await readHistory(dapr, 'buyer-1')).toHaveLength(1);
  });
});
