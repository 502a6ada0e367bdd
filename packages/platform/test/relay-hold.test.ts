import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { OutboxRelay } from '../src/outbox.ts';
import type { RelayHold } from '../src/pressure.ts';
import { startTestService, type TestService, testDatabaseUrl } from '../src/testing/index.ts';
import { type DemoDb, demoService } from './demo-service.ts';

let svc: TestService<DemoDb, any>;
beforeAll(async () => {
  svc = await startTestService(demoService);
});
afterAll(() => svc.close());

/** A relay holding back review.updated while `crowd.on`; what it publishes lands in `sent`. */
function holdingRelay(maxMs: number, databaseUrl = '') {
  const sent: { topic: string; body: any }[] = [];
  const crowd = { on: true, wake: () => {} };
  const hold: RelayHold = {
    topics: ['review.updated'],
    holding: () => crowd.on,
    maxMs,
    released: (wake) => {
      crowd.wake = wake;
    },
  };
  const relay = new OutboxRelay(
    svc.deps.db as never,
    {
      async publishBulk(_pubsub, topic, entries) {
        for (const e of entries) sent.push({ topic, body: e.event });
        return new Map();
      },
    },
    createLogger('review', 'silent'),
    { pubsub: 'pubsub', schema: svc.schema, databaseUrl, pollMs: 60_000, hold },
  );
  return { relay, sent, crowd };
}

async function write(reviewId: string, topics: ('review.updated' | 'review.deleted')[]) {
  await svc.deps.db.transaction().execute(async (trx) => {
    for (const topic of topics)
      await svc.deps.events.publish(
        trx,
        topic,
        topic === 'review.updated'
          ? { reviewId, productId: 'p', userId: 'u', rating: 4, updatedAt: new Date().toISOString() }
          : { reviewId, productId: 'p', userId: 'u', deletedAt: new Date().toISOString() },
        { aggregateKey: `review:${reviewId}` },
      );
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mine = (sent: { body: any }[], reviewId: string) =>
  sent.filter((s) => s.body.data.reviewId === reviewId).map((s) => s.body.eventType);

describe('the relay holds back the events that start sagas while the door is crowded', () => {
  it('holds the held topic, publishes the others, and keeps an aggregate in order behind a held row', async () => {
    const { relay, sent, crowd } = holdingRelay(60_000);
    await write('held-1', ['review.updated', 'review.deleted']);
    await write('free-1', ['review.deleted']);
    await relay.drain();
    expect(mine(sent, 'free-1')).toEqual(['review.deleted']);
    // The held row's later row waits for it: an aggregate is never published out of order.
    expect(mine(sent, 'held-1')).toEqual([]);
    crowd.on = false;
    await relay.drain();
    expect(mine(sent, 'held-1')).toEqual(['review.updated', 'review.deleted']);
    await relay.stop(1000);
  });

  it('holds a row at most maxMs: a crowd that never leaves does not starve a saga', async () => {
    const { relay, sent } = holdingRelay(300);
    await write('held-2', ['review.updated']);
    await relay.drain();
    expect(mine(sent, 'held-2')).toEqual([]);
    await sleep(350);
    await relay.drain();
    expect(mine(sent, 'held-2')).toEqual(['review.updated']);
    await relay.stop(1000);
  });

  it('looks again by itself: when the crowd has gone, and when a held row is due', async () => {
    const { relay, sent, crowd } = holdingRelay(400, testDatabaseUrl());
    await relay.start();
    await write('held-3', ['review.updated']);
    await sleep(150);
    expect(mine(sent, 'held-3')).toEqual([]);
    crowd.on = false;
    crowd.wake();
    await sleep(150);
    expect(mine(sent, 'held-3')).toEqual(['review.updated']);

    crowd.on = true;
    const at = Date.now();
    await write('held-4', ['review.updated']);
    for (let i = 0; i < 40 && !mine(sent, 'held-4').length; i++) await sleep(50);
    expect(mine(sent, 'held-4')).toEqual(['review.updated']);
    // Due at 400 ms; the relay looks again every quarter second while it holds rows back.
    expect(Date.now() - at).toBeGreaterThanOrEqual(380);
    expect(Date.now() - at).toBeLessThan(1500);
    await relay.stop(1000);
  });
});
