import { randomUUID } from 'node:crypto';
import { batchedDelivery, deliveryOf } from '@mp/contracts';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInContext } from '../src/context.ts';
import { poolOf } from '../src/db.ts';
import { createLogger } from '../src/logger.ts';
import { buildEvent, OutboxRelay, outboxInsertIf, type RelayOptions } from '../src/outbox.ts';
import {
  startTestService,
  TEST_APP_TOKEN,
  type TestService,
  testDatabaseUrl,
  tokenFor,
} from '../src/testing/index.ts';
import { type DemoDb, demoService, inHandler, timeoutsSeen } from './demo-service.ts';

let svc: TestService<DemoDb, any>;
let buyer: string;
beforeAll(async () => {
  svc = await startTestService(demoService);
  buyer = await tokenFor('u-1', 'buyer');
});
afterAll(() => svc.close());

/**
 * A relay over the test schema that publishes into an array instead of a sidecar. `fail` refuses
 * single entries (as daprd's bulk publish answers failed entries); every request is recorded too.
 */
function recordingRelay(
  fail: (topic: string, body: any) => boolean = () => false,
  options: Partial<RelayOptions> = {},
) {
  const sent: { topic: string; body: any; metadata: Record<string, string> }[] = [];
  const requests: { topic: string; bodies: any[] }[] = [];
  const relay = new OutboxRelay(
    svc.deps.db as never,
    {
      async publishBulk(_pubsub, topic, entries) {
        requests.push({ topic, bodies: entries.map((e) => e.event) });
        const failed = new Map<string, string>();
        for (const e of entries) {
          if (fail(topic, e.event)) failed.set(e.entryId, 'sidecar unavailable');
          else sent.push({ topic, body: e.event, metadata: e.metadata });
        }
        return failed;
      },
    },
    createLogger('review', 'silent'),
    { pubsub: 'pubsub', schema: svc.schema, databaseUrl: '', pollMs: 1000, ...options },
  );
  return { relay, sent, requests };
}

/** A review.deleted event's data for `reviewId`. */
const deleted = (reviewId: string) => ({
  reviewId,
  productId: 'p',
  userId: 'u',
  deletedAt: new Date().toISOString(),
});

/** Commits one review.deleted in a transaction of its own. */
const publishDeleted = (reviewId: string) =>
  svc.deps.db
    .transaction()
    .execute((trx) => svc.deps.events.publish(trx, 'review.deleted', deleted(reviewId)));

/** The test service's database, noting the text of every statement it runs in `statements`. */
const countingDb = (statements: string[]) =>
  new Kysely<any>({
    dialect: new PostgresDialect({ pool: poolOf(svc.deps.db)! }),
    log: (e) => {
      statements.push(e.query.sql);
    },
  });

describe('transactional outbox', () => {
  it('writes the event with the state change and publishes it after commit with its id and type', async () => {
    const res = await svc.call('POST', '/api/v1/reviews', {
      token: buyer,
      body: { productId: 'p-1', rating: 5, content: 'good' },
      headers: { 'x-correlation-id': 'corr-outbox-1' },
    });
    expect(res.status).toBe(201);
    const [event] = (await svc.outbox('review.created')).filter((e) => e.data.reviewId === res.body.id);
    expect(event).toMatchObject({
      eventType: 'review.created',
      correlationId: 'corr-outbox-1',
      source: 'review-service',
      eventVersion: 'v1',
    });
    expect(event!.data).toMatchObject({ productId: 'p-1', userId: 'u-1', rating: 5 });

    const { relay, sent } = recordingRelay();
    await relay.drain();
    const published = sent.find((s) => s.body.eventId === event!.eventId)!;
    expect(published.topic).toBe('review.created');
    expect(published.metadata).toMatchObject({
      'cloudevent.id': event!.eventId,
      'cloudevent.type': 'review.created',
    });
    expect(await relay.pending()).toBe(0);
  });

  it('never publishes an outbox row written in a rolled-back transaction', async () => {
    const before = (await svc.outbox()).length;
    const res = await svc.call('POST', '/api/v1/reviews', {
      token: buyer,
      body: { productId: 'p-rb', rating: 3, content: 'rollback' },
    });
    expect(res.status).toBe(500);
    expect(await svc.outbox()).toHaveLength(before);
    expect(
      await svc.deps.db.selectFrom('reviews').where('product_id', '=', 'p-rb').selectAll().execute(),
    ).toEqual([]);
    const { relay, sent } = recordingRelay();
    await relay.drain();
    expect(sent.filter((s) => s.body.data.productId === 'p-rb')).toEqual([]);
  });

  it('writes events in the statement that changes the state, only if it changed a row (outboxInsertIf)', async () => {
    const db = svc.deps.db;
    const id = `r-${randomUUID()}`;
    await db.insertInto('reviews').values({ id, product_id: 'p-cte', rating: 1 }).execute();
    const rate = (rating: number, from: number) => {
      const data = { reviewId: id, productId: 'p-cte', userId: 'u', deletedAt: new Date().toISOString() };
      const built = svc.deps.events.build('review.deleted', data, { aggregateKey: `review:${id}` });
      return db
        .with('rated', (q) =>
          q
            .updateTable('reviews')
            .set({ rating })
            .where('id', '=', id)
            .where('rating', '=', from)
            .returningAll(),
        )
        .with('sent', () => outboxInsertIf([built], 'rated'))
        .selectFrom('rated')
        .selectAll()
        .execute();
    };
    expect(await rate(2, 1)).toEqual([{ id, product_id: 'p-cte', rating: 2 }]);
    // No row changed (the rating is no longer 1): no event either.
    expect(await rate(3, 1)).toEqual([]);
    const rows = await db
      .selectFrom('outbox')
      .select('envelope')
      .where('aggregate_key', '=', `review:${id}`)
      .execute();
    expect(rows.map((r) => (r.envelope as { eventType: string }).eventType)).toEqual(['review.deleted']);
  });

  it('keeps a row whose publish failed and retries it later, in order per aggregate', async () => {
    const db = svc.deps.db;
    await db.transaction().execute(async (trx) => {
      for (const rating of [1, 2, 3]) {
        await svc.deps.events.publish(
          trx,
          'review.updated',
          { reviewId: 'r-agg', productId: 'p', userId: 'u', rating, updatedAt: new Date().toISOString() },
          { aggregateKey: 'review:r-agg' },
        );
      }
    });
    let down = true;
    const { relay, sent } = recordingRelay((t) => down && t === 'review.updated');
    await relay.drain();
    expect(sent.filter((s) => s.topic === 'review.updated')).toEqual([]);
    const failed = await db
      .selectFrom('outbox')
      .selectAll()
      .where('topic', '=', 'review.updated')
      .orderBy('seq')
      .execute();
    expect(failed[0]!.attempts).toBe(1);
    expect(failed[0]!.last_error).toContain('sidecar unavailable');
    // The later rows of the aggregate were not tried while the first one is pending.
    expect(failed.slice(1).every((r) => r.attempts === 0)).toBe(true);

    down = false;
    await db
      .updateTable('outbox')
      .set({ next_attempt_at: new Date(0) })
      .where('topic', '=', 'review.updated')
      .execute();
    await relay.drain();
    expect(sent.filter((s) => s.topic === 'review.updated').map((s) => s.body.data.rating)).toEqual([
      1, 2, 3,
    ]);
  });

  it('publishes in bulk: a failed entry stays unsent alone, and a request never holds two rows of one aggregate', async () => {
    const db = svc.deps.db;
    await db.transaction().execute(async (trx) => {
      for (const id of ['r-b1', 'r-b2', 'r-bad', 'r-b3'])
        await svc.deps.events.publish(trx, 'review.deleted', deleted(id));
      for (const id of ['r-k1', 'r-k2', 'r-k3'])
        await svc.deps.events.publish(trx, 'review.deleted', deleted(id), { aggregateKey: 'review:r-k' });
    });
    let down = true;
    const { relay, sent, requests } = recordingRelay((_t, body) => down && body.data.reviewId === 'r-bad');
    await relay.drain();
    const ids = () => sent.map((s) => s.body.data.reviewId).filter((id: string) => id.startsWith('r-'));
    expect(ids()).toEqual(expect.arrayContaining(['r-b1', 'r-b2', 'r-b3', 'r-k1', 'r-k2', 'r-k3']));
    expect(ids()).not.toContain('r-bad');
    // The aggregate's rows went in order, one per request; the rows without one went together.
    expect(ids().filter((id: string) => id.startsWith('r-k'))).toEqual(['r-k1', 'r-k2', 'r-k3']);
    for (const r of requests)
      expect(r.bodies.filter((b) => b.data.reviewId.startsWith('r-k')).length).toBeLessThanOrEqual(1);
    expect(requests[0]!.bodies.map((b) => b.data.reviewId)).toEqual(
      expect.arrayContaining(['r-b1', 'r-b2', 'r-bad', 'r-b3', 'r-k1']),
    );
    const bad = await db
      .selectFrom('outbox')
      .selectAll()
      .where('topic', '=', 'review.deleted')
      .where('sent_at', 'is', null)
      .execute();
    expect(bad.map((r) => (r.envelope as any).data.reviewId)).toEqual(['r-bad']);
    expect(bad[0]!.attempts).toBe(1);
    expect(sent.find((s) => s.body.data.reviewId === 'r-b1')!.metadata['cloudevent.id']).toBe(
      sent.find((s) => s.body.data.reviewId === 'r-b1')!.body.eventId,
    );

    down = false;
    await db
      .updateTable('outbox')
      .set({ next_attempt_at: new Date(0) })
      .where('sent_at', 'is', null)
      .execute();
    await relay.drain();
    expect(ids().filter((id: string) => id === 'r-bad')).toHaveLength(1);
    expect(await relay.pending()).toBe(0);
  });

  it("asks an idle outbox in one statement, and claims all of a batch's aggregates with its due rows", async () => {
    const statements: string[] = [];
    const counted = countingDb(statements);
    const relay = new OutboxRelay(
      counted,
      { publishBulk: async () => new Map() },
      createLogger('review', 'silent'),
      {
        pubsub: 'pubsub',
        schema: svc.schema,
        databaseUrl: '',
        pollMs: 1000,
      },
    );
    await relay.drain();
    await relay.drain();
    statements.length = 0;
    await relay.drain();
    expect(statements).toHaveLength(1);

    await svc.deps.db.transaction().execute(async (trx) => {
      for (const id of ['r-c1', 'r-c2', 'r-c3'])
        await svc.deps.events.publish(
          trx,
          'review.deleted',
          { reviewId: id, productId: 'p', userId: 'u', deletedAt: new Date().toISOString() },
          { aggregateKey: `review:${id}` },
        );
    });
    statements.length = 0;
    expect(await relay.drain()).toBe(3);
    // The idle check, begin (sent with the due rows), the due rows with ONE claim for the three
    // aggregates, the sent mark with the commit.
    expect(statements.filter((q) => q.includes('pg_try_advisory_xact_lock'))).toEqual([
      expect.stringMatching(/for update skip locked/),
    ]);
    expect(statements.filter((q) => q.endsWith('commit'))).toEqual([expect.stringMatching(/^update outbox/)]);
    expect(statements).toHaveLength(4);
    expect(await relay.pending()).toBe(0);
  });

  it('polls every idlePollMs while nothing is pending, when a row backing off comes due, and every pollMs while busy', async () => {
    let failing = true;
    const { relay, sent } = recordingRelay((_topic, body) => failing && body.data.reviewId === 'idle-due', {
      idlePollMs: 30_000,
    });
    await relay.drain();
    await relay.drain();
    // Nothing pending (every earlier test's rows went out): the relay sleeps the longest wait.
    expect(await relay.pending()).toBe(0);
    expect(relay.nextPollMs()).toBe(30_000);
    await publishDeleted('idle-due');
    await relay.drain(); // refused: the row backs off
    expect(relay.nextPollMs()).toBe(1000);
    await svc.deps.db
      .updateTable('outbox')
      .set({ next_attempt_at: sql`now() + interval '10 seconds'` })
      .where('sent_at', 'is', null)
      .execute();
    await relay.drain(); // the drain after a busy one looks for due rows, finds none…
    expect(relay.nextPollMs()).toBe(1000);
    await relay.drain(); // …and the next asks when the earliest comes due
    expect(relay.nextPollMs()).toBeGreaterThan(8_000);
    expect(relay.nextPollMs()).toBeLessThanOrEqual(10_000);
    failing = false;
    await svc.deps.db
      .updateTable('outbox')
      .set({ next_attempt_at: new Date(0) })
      .where('sent_at', 'is', null)
      .execute();
    expect(await relay.drain()).toBe(1);
    expect(sent.map((x) => x.body.data.reviewId)).toContain('idle-due');
    expect(relay.nextPollMs()).toBe(1000);
    await relay.drain();
    expect(relay.nextPollMs()).toBe(1000);
    await relay.drain();
    expect(relay.nextPollMs()).toBe(30_000);
  });

  it('an idle relay with its listener waits idlePollMs between polls, a commit wakes it, and without its listener it polls every pollMs', async () => {
    // Its listener's connection, named so the test can cut that one alone.
    const name = `relay-test-${randomUUID()}`;
    const listenerUrl = `${testDatabaseUrl()}${testDatabaseUrl().includes('?') ? '&' : '?'}application_name=${name}`;
    const { relay, sent: recorded } = recordingRelay(undefined, {
      databaseUrl: listenerUrl,
      pollMs: 50,
      idlePollMs: 60_000,
    });
    const sent = () => recorded.map((x) => x.body.data.reviewId);
    let drains = 0;
    const drain = relay.drain.bind(relay);
    relay.drain = () => {
      drains++;
      return drain();
    };
    await relay.start();
    try {
      await new Promise((r) => setTimeout(r, 600));
      // The first drain, and the one after it (a drain that found work polls again at pollMs).
      expect(drains).toBeLessThanOrEqual(3);
      const before = drains;
      await publishDeleted('idle-woken');
      await expect.poll(sent, { timeout: 2000, interval: 20 }).toContain('idle-woken');
      expect(drains).toBeGreaterThan(before);
      await new Promise((r) => setTimeout(r, 300));
      // The listener's connection is cut: the relay falls back to polling every pollMs.
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${name}`.execute(
        svc.deps.db,
      );
      await new Promise((r) => setTimeout(r, 100));
      const cut = drains;
      await new Promise((r) => setTimeout(r, 500));
      expect(drains - cut).toBeGreaterThanOrEqual(4);
    } finally {
      await relay.stop();
    }
  });

  it("takes the next row of every aggregate into a batch: one aggregate's backlog does not hold back another's", async () => {
    const { relay, sent } = recordingRelay(undefined, { batchSize: 10 });
    await relay.drain();
    sent.length = 0;
    const backlog = Array.from({ length: 30 }, (_, i) => `r-long${i}`);
    await svc.deps.db.transaction().execute(async (trx) => {
      for (const id of backlog)
        await svc.deps.events.publish(trx, 'review.deleted', deleted(id), { aggregateKey: 'review:r-long' });
    });
    await svc.deps.db.transaction().execute((trx) =>
      svc.deps.events.publish(trx, 'review.deleted', deleted('r-short'), {
        aggregateKey: 'review:r-short',
      }),
    );
    await relay.drain();
    const order = sent.map((s) => s.body.data.reviewId);
    // In the first batch of ten, not after the thirty written before it.
    expect(order.indexOf('r-short')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('r-short')).toBeLessThan(10);
    expect(order.filter((id: string) => id.startsWith('r-long'))).toEqual(backlog);
    expect(await relay.pending()).toBe(0);
  });

  it('leaves an aggregate to the replica holding its lock or its earlier row, then publishes it in order', async () => {
    const { relay, sent } = recordingRelay();
    await relay.drain();
    const ids = ['r-h1', 'r-h2'];
    await svc.deps.db.transaction().execute(async (trx) => {
      for (const id of ids)
        await svc.deps.events.publish(
          trx,
          'review.deleted',
          { reviewId: id, productId: 'p', userId: 'u', deletedAt: new Date().toISOString() },
          { aggregateKey: 'review:r-h' },
        );
    });
    const other = await poolOf(svc.deps.db)!.connect();
    const published = () => sent.map((x) => x.body.data.reviewId).filter((id: string) => ids.includes(id));
    try {
      // Another replica publishing the aggregate: it holds the aggregate's lock.
      await other.query('begin');
      await other.query(`select pg_advisory_xact_lock(hashtext('outbox:review:r-h'))`);
      await relay.drain();
      expect(published()).toEqual([]);
      await other.query('rollback');
      // Another replica holding the aggregate's first row (its batch): the second is not the head.
      await other.query('begin');
      await other.query(
        `select seq from ${svc.schema}.outbox where aggregate_key = 'review:r-h' order by seq limit 1 for update`,
      );
      await relay.drain();
      expect(published()).toEqual([]);
      await other.query('rollback');
    } finally {
      other.release();
    }
    await relay.drain();
    expect(published()).toEqual(ids);
  });

  it('delivers what is committed before stop() resolves (the SIGTERM drain)', async () => {
    await publishDeleted('r-drain');
    const { relay, sent } = recordingRelay(undefined, { databaseUrl: testDatabaseUrl(), pollMs: 60_000 });
    await relay.start();
    await relay.stop();
    expect(sent.map((x) => x.body.data.reviewId)).toContain('r-drain');
    expect(await relay.pending()).toBe(0);
  });

  it('writes built events in one statement, each with the context it was built in', async () => {
    const statements: string[] = [];
    const counted = countingDb(statements);
    const correlations = [randomUUID(), randomUUID()];
    const built = correlations.map((correlationId, i) =>
      runInContext({ correlationId, traceId: 'a'.repeat(32) }, () =>
        svc.deps.events.build('review.deleted', deleted(`r-w${i}`), { aggregateKey: `review:r-w${i}` }),
      ),
    );
    await counted.transaction().execute((trx) => svc.deps.events.write(trx, built));
    expect(statements.filter((q) => q.startsWith('insert into outbox'))).toHaveLength(1);
    const written = (await svc.outbox('review.deleted')).filter((e) => e.data.reviewId.startsWith('r-w'));
    expect(written.map((e) => [e.data.reviewId, e.correlationId])).toEqual([
      ['r-w0', correlations[0]],
      ['r-w1', correlations[1]],
    ]);
    expect(written.map((e) => e.eventId)).toEqual(built.map((b) => b.event.eventId));
  });

  it('refuses to write an event that breaks its schema or that another service owns', async () => {
    await expect(
      svc.deps.db
        .transaction()
        .execute((trx) => svc.deps.events.publish(trx, 'review.created', { reviewId: 'x' } as never)),
    ).rejects.toThrow();
    await expect(
      svc.deps.db
        .transaction()
        .execute((trx) => svc.deps.events.publish(trx, 'order.completed', {} as never)),
    ).rejects.toThrow(/may not publish order.completed/);
  });
});

describe('inbound events', () => {
  const deliver = (body: unknown, token = TEST_APP_TOKEN) =>
    svc.call('POST', '/events/shipping.delivered', {
      body: { id: 'ce', data: body },
      headers: { 'dapr-api-token': token },
    });
  const delivered = (recipient: string) =>
    buildEvent('shipping', 'test', 'shipping.delivered', {
      shipmentId: `sh-${Math.random().toString(36).slice(2)}`,
      orderId: 'o-1',
      deliveredAt: new Date().toISOString(),
      recipient,
    });
  const rows = (shipmentId: string) =>
    svc.deps.db.selectFrom('deliveries').selectAll().where('shipment_id', '=', shipmentId).execute();

  it('lists its subscriptions from the catalog, each with the dead-letter topic and its delivery settings', async () => {
    const res = await svc.call('GET', '/dapr/subscribe');
    expect(res.body).toEqual([
      {
        pubsubname: 'pubsub',
        topic: 'shipping.delivered',
        route: '/events/shipping.delivered',
        deadLetterTopic: 'marketplace.deadletter',
        bulkSubscribe: deliveryOf('review', 'shipping.delivered'),
      },
    ]);
    // review follows shipping (it asks the buyer for a review): in batches.
    expect(deliveryOf('review', 'shipping.delivered')).toEqual(batchedDelivery);
  });

  const deliverBatch = (events: unknown[]) => svc.deliverBatch('shipping.delivered', events);
  const marked = async (eventId: string) =>
    (
      await svc.deps.db
        .selectFrom('processed_events')
        .select('event_id')
        .where('event_id', '=', eventId)
        .execute()
    ).length;

  it('commits a batch around a poisoned event: only that one is retried, the malformed and the hopeless dropped', async () => {
    const good = [delivered('김철수'), delivered('이영희'), delivered('박민수')];
    const transient = delivered('transient');
    const hopeless = delivered('never');
    const { recipient: _, ...broken } = delivered('x').data;
    const res = await deliverBatch([
      good[0],
      transient,
      good[1],
      { ...delivered('x'), data: broken },
      hopeless,
      good[2],
      good[0], // the same event twice in one batch: one effect
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      statuses: [
        { entryId: 'e0', status: 'SUCCESS' },
        { entryId: 'e1', status: 'RETRY' },
        { entryId: 'e2', status: 'SUCCESS' },
        { entryId: 'e3', status: 'DROP' },
        { entryId: 'e4', status: 'DROP' },
        { entryId: 'e5', status: 'SUCCESS' },
        { entryId: 'e6', status: 'SUCCESS' },
      ],
    });
    for (const g of good) expect(await rows(g.data.shipmentId)).toHaveLength(1);
    // The failed entries left no trace: the retried one is not marked processed, so it runs again.
    expect(await rows(transient.data.shipmentId)).toEqual([]);
    expect(await marked(transient.eventId)).toBe(0);
    expect(await marked(hopeless.eventId)).toBe(0);

    // Dapr retries the poisoned entry alone; once it can be processed it commits, the rest stay once.
    const retried = await deliverBatch([
      { ...transient, data: { ...transient.data, recipient: 'recovered' } },
    ]);
    expect(retried.body).toEqual({ statuses: [{ entryId: 'e0', status: 'SUCCESS' }] });
    expect(await rows(transient.data.shipmentId)).toHaveLength(1);
    const again = await deliverBatch(good);
    expect(again.body.statuses.map((s: { status: string }) => s.status)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
    ]);
    for (const g of good) expect(await rows(g.data.shipmentId)).toHaveLength(1);
  });

  it('runs every handler under the lock and statement timeouts, alone and in a batch', async () => {
    timeoutsSeen.length = 0;
    await deliver(delivered('timeouts'));
    await deliverBatch([delivered('timeouts'), delivered('timeouts')]);
    expect(timeoutsSeen).toEqual(Array(3).fill({ lock: '5s', statement: '20s' }));
    // Transaction-local: the pool's connection is back to its defaults afterwards.
    const { rows } = await sql<{ lock: string }>`select current_setting('lock_timeout') as lock`.execute(
      svc.deps.db,
    );
    expect(rows[0]!.lock).toBe('0');
  });

  it('runs a handler once even when the event is delivered twice', async () => {
    const event = delivered('홍길동');
    expect((await deliver(event)).body).toEqual({ status: 'SUCCESS' });
    expect((await deliver(event)).body).toEqual({ status: 'SUCCESS' });
    expect(await rows(event.data.shipmentId)).toHaveLength(1);
  });

  it('asks for a retry when the handler fails, leaving no trace, and succeeds later', async () => {
    const event = delivered('transient');
    expect((await deliver(event)).body).toEqual({ status: 'RETRY' });
    const marks = await svc.deps.db
      .selectFrom('processed_events')
      .selectAll()
      .where('event_id', '=', event.eventId)
      .execute();
    expect(marks).toEqual([]);
    const fixed = { ...event, data: { ...event.data, recipient: 'recovered' } };
    expect((await deliver(fixed)).body).toEqual({ status: 'SUCCESS' });
    expect(await rows(event.data.shipmentId)).toHaveLength(1);
  });

  it('drops a malformed payload (to the dead-letter topic) instead of retrying it', async () => {
    const event = delivered('x');
    const { recipient: _, ...noRecipient } = event.data;
    expect((await deliver({ ...event, data: noRecipient })).body).toEqual({ status: 'DROP' });
    expect((await deliver({ hello: 'world' })).body).toEqual({ status: 'DROP' });
    expect((await deliver({ ...delivered('x'), eventType: 'order.created' })).body).toEqual({
      status: 'DROP',
    });
  });

  it('drops an event the handler says it can never process', async () => {
    expect((await deliver(delivered('never'))).body).toEqual({ status: 'DROP' });
  });

  it('keeps event work within its share of the database pool, however many deliveries the broker sends at once', async () => {
    // The test service's pool holds 5 connections: events get 3 at a time, two stay for the API and /readyz.
    inHandler.max = 0;
    const events = Array.from({ length: 12 }, () => delivered('slow'));
    const pending = [...events.slice(0, 8).map((e) => deliver(e)), deliverBatch(events.slice(8))];
    await new Promise((r) => setTimeout(r, 50));
    expect((await svc.call('GET', '/readyz')).status).toBe(200);
    const answers = await Promise.all(pending);
    expect(answers.slice(0, 8).map((a) => a.body)).toEqual(Array(8).fill({ status: 'SUCCESS' }));
    expect(answers[8]!.body.statuses.map((s: { status: string }) => s.status)).toEqual(
      Array(4).fill('SUCCESS'),
    );
    expect(inHandler.max).toBe(3);
    for (const e of events) expect(await rows(e.data.shipmentId)).toHaveLength(1);
  });

  it('refuses deliveries that do not come from its sidecar', async () => {
    const res = await deliver(delivered('x'), 'not-the-token-0000000000');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('INTERNAL_ONLY');
    expect((await svc.call('POST', '/events/shipping.delivered', { body: {} })).status).toBe(403);
  });
});

describe('correlation ids at the edge', () => {
  const review = (correlation: string) =>
    svc.call('POST', '/api/v1/reviews', {
      token: buyer,
      body: { productId: 'p-corr', rating: 4, content: 'ok' },
      headers: { 'x-correlation-id': correlation },
    });
  const eventOf = async (reviewId: string) =>
    (await svc.outbox('review.created')).find((e) => e.data.reviewId === reviewId)!;

  it.each([
    ['empty', ''],
    ['huge', 'a'.repeat(8000)],
    ['of another charset', 'id with spaces/and;semicolons'],
  ])(
    'replaces an x-correlation-id that is %s with a fresh one, which its events carry and consumers take',
    async (_, given) => {
      const res = await review(given);
      expect(res.status).toBe(201);
      const fresh = res.headers.get('x-correlation-id')!;
      expect(fresh).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}$/);
      expect(fresh).not.toBe(given);
      const event = await eventOf(res.body.id);
      expect(event.correlationId).toBe(fresh);
      // A consumer of the work that followed (same correlation id) processes it, no dead letter.
      const next = buildEvent(
        'shipping',
        'test',
        'shipping.delivered',
        {
          shipmentId: `sh-${Math.random().toString(36).slice(2)}`,
          orderId: 'o-1',
          deliveredAt: new Date().toISOString(),
          recipient: '홍길동',
        },
        { correlationId: event.correlationId },
      );
      expect((await svc.deliver(next)).body).toEqual({ status: 'SUCCESS' });
    },
  );

  it('keeps a valid one, and never writes an invalid one into an event', async () => {
    const res = await review('saga-1234.retry:2');
    expect(res.headers.get('x-correlation-id')).toBe('saga-1234.retry:2');
    expect((await eventOf(res.body.id)).correlationId).toBe('saga-1234.retry:2');
    const built = buildEvent('review', 'test', 'review.deleted', {} as never, { correlationId: '' });
    expect(built.correlationId).toBe(built.eventId);
  });
});
