/**
 * A handler's `prepare` step (subscriptions.ts): it runs before the consumer transaction opens, its
 * value reaches the handler, and idempotency is as before (a duplicate does nothing).
 */
import { Hono } from 'hono';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentContext } from '../src/context.ts';
import { createDb } from '../src/db.ts';
import { createLogger } from '../src/logger.ts';
import { buildEvent } from '../src/outbox.ts';
import { mountSubscriptions, PermanentEventError, preparedHandler } from '../src/subscriptions.ts';
import { startTestService, type TestService, testDatabaseUrl } from '../src/testing/index.ts';
import { type DemoDb, demoService } from './demo-service.ts';

let svc: TestService<DemoDb, any>;
let app: Hono;
/** The same handler with a `prepareBatch` step: who it looked up, one call per batch. */
let batchApp: Hono;
const lookups: string[][] = [];
/** What the batch handler's `finish` step was given, once per transaction. */
const finished: string[][] = [];
let db: ReturnType<typeof createDb<DemoDb>>;
const prepared: string[] = [];
const handled: { recipient: string; value: unknown }[] = [];

beforeAll(async () => {
  svc = await startTestService(demoService);
  // ONE connection: a prepare step that ran inside the transaction could not query (it would wait
  // for the connection the transaction holds until the pool gives up).
  db = createDb<DemoDb>(testDatabaseUrl(), svc.schema, 1);
  app = new Hono();
  mountSubscriptions(app, {
    service: 'review',
    pubsub: 'pubsub',
    db,
    maxConcurrent: 1,
    log: createLogger('review', 'silent'),
    handlers: {
      'shipping.delivered': preparedHandler<
        DemoDb,
        'shipping.delivered',
        { who: string; correlationId?: string }
      >({
        async prepare(event) {
          prepared.push(event.data.recipient);
          const { rows } = await db.executeQuery<{ who: string }>(
            CompiledQuery.raw('select upper($1) as who', [event.data.recipient]),
          );
          if (event.data.recipient === 'unreachable') throw new Error('user service unavailable');
          if (event.data.recipient === 'nobody') throw new PermanentEventError('no such person');
          return { who: rows[0]!.who, correlationId: currentContext()?.correlationId };
        },
        async handle(event, { trx }, value) {
          handled.push({ recipient: event.data.recipient, value });
          await trx
            .insertInto('deliveries')
            .values({ shipment_id: event.data.shipmentId, recipient: value.who })
            .execute();
        },
      }),
    },
  });
  batchApp = new Hono();
  mountSubscriptions(batchApp, {
    service: 'review',
    pubsub: 'pubsub',
    db,
    maxConcurrent: 1,
    log: createLogger('review', 'silent'),
    handlers: {
      'shipping.delivered': preparedHandler<
        DemoDb,
        'shipping.delivered',
        { recipient: string; who?: string }
      >({
        prepare: async (event) => ({ recipient: event.data.recipient }),
        async prepareBatch(values) {
          lookups.push(values.map((v) => v.recipient));
          if (values.some((v) => v.recipient === 'everyone-down')) throw new Error('user unavailable');
          return values.map((v) =>
            v.recipient.startsWith('unreachable')
              ? { ok: false, err: new Error('user unavailable for this one') }
              : { ok: true, value: { ...v, who: v.recipient.toUpperCase() } },
          );
        },
        async handle(event, { trx }, value) {
          await trx
            .insertInto('deliveries')
            .values({ shipment_id: event.data.shipmentId, recipient: value.who! })
            .execute();
        },
        async finish(values, { trx }) {
          finished.push(values.map((v) => v.recipient));
          // In the transaction: a failure here undoes the handlers' writes.
          await trx.executeQuery(CompiledQuery.raw('select 1'));
          if (values.some((v) => v.recipient === 'finish-fails')) throw new Error('sidecar unavailable');
        },
      }),
    },
  });
});
afterAll(async () => {
  await db.destroy();
  await svc.close();
});

const delivered = (recipient: string) =>
  buildEvent('shipping', 'test', 'shipping.delivered', {
    shipmentId: `sh-${Math.random().toString(36).slice(2)}`,
    orderId: 'o-1',
    deliveredAt: new Date().toISOString(),
    recipient,
  });

async function post(body: unknown, to = app): Promise<any> {
  const res = await to.request('/events/shipping.delivered', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
}
const deliver = (event: unknown) => post({ id: 'ce', data: event });
const deliverBatch = (events: unknown[], to = app) =>
  post(
    {
      id: 'bulk',
      entries: events.map((data, i) => ({ entryId: `e${i}`, event: { id: `ce-${i}`, data } })),
    },
    to,
  );
const rows = (shipmentId: string) =>
  db.selectFrom('deliveries').selectAll().where('shipment_id', '=', shipmentId).execute();

describe("a handler's prepare step", () => {
  it('runs before the transaction, in the event’s context, and hands its value to the handler', async () => {
    const event = delivered('kim');
    expect(await deliver(event)).toEqual({ status: 'SUCCESS' });
    expect(handled.at(-1)).toEqual({
      recipient: 'kim',
      value: { who: 'KIM', correlationId: event.correlationId },
    });
    expect(await rows(event.data.shipmentId)).toEqual([
      { shipment_id: event.data.shipmentId, recipient: 'KIM' },
    ]);
  });

  it('keeps idempotency: a duplicate is prepared again but handled once', async () => {
    const event = delivered('lee');
    expect(await deliver(event)).toEqual({ status: 'SUCCESS' });
    expect(await deliver(event)).toEqual({ status: 'SUCCESS' });
    expect(prepared.filter((r) => r === 'lee')).toHaveLength(2);
    expect(handled.filter((h) => h.recipient === 'lee')).toHaveLength(1);
    expect(await rows(event.data.shipmentId)).toHaveLength(1);
  });

  it('fails the event when prepare fails (RETRY, or DROP when permanent), leaving no mark', async () => {
    const event = delivered('unreachable');
    expect(await deliver(event)).toEqual({ status: 'RETRY' });
    expect(await deliver(delivered('nobody'))).toEqual({ status: 'DROP' });
    const mark = await db
      .selectFrom('processed_events')
      .selectAll()
      .where('event_id', '=', event.eventId)
      .execute();
    expect(mark).toEqual([]);
  });

  it('answers SUCCESS for a duplicate even when its prepare fails now', async () => {
    const event = delivered('park');
    expect(await deliver(event)).toEqual({ status: 'SUCCESS' });
    const again = { ...event, data: { ...event.data, recipient: 'unreachable' } };
    expect(await deliver(again)).toEqual({ status: 'SUCCESS' });
    expect(await rows(event.data.shipmentId)).toHaveLength(1);
  });

  it('prepares each entry of a batch; one failed prepare retries only its own entry', async () => {
    const good = [delivered('choi'), delivered('jung')];
    const res = await deliverBatch([good[0], delivered('unreachable'), good[1]]);
    expect(res.statuses).toEqual([
      { entryId: 'e0', status: 'SUCCESS' },
      { entryId: 'e1', status: 'RETRY' },
      { entryId: 'e2', status: 'SUCCESS' },
    ]);
    for (const e of good) expect(await rows(e.data.shipmentId)).toHaveLength(1);
  });
});

describe("a handler's prepareBatch step", () => {
  it('looks a whole batch up in one call; a failed result retries only its own entry', async () => {
    const good = [delivered('han'), delivered('yoon')];
    lookups.length = 0;
    const res = await deliverBatch([good[0], delivered('unreachable-1'), good[1]], batchApp);
    expect(lookups).toEqual([['han', 'unreachable-1', 'yoon']]);
    expect(res.statuses).toEqual([
      { entryId: 'e0', status: 'SUCCESS' },
      { entryId: 'e1', status: 'RETRY' },
      { entryId: 'e2', status: 'SUCCESS' },
    ]);
    expect((await rows(good[0]!.data.shipmentId))[0]?.recipient).toBe('HAN');
    expect(await rows(good[1]!.data.shipmentId)).toHaveLength(1);
  });

  it('retries every entry when the batch look-up throws, and a redelivered batch writes nothing twice', async () => {
    const events = [delivered('kang'), delivered('everyone-down')];
    expect((await deliverBatch(events, batchApp)).statuses.map((s: any) => s.status)).toEqual([
      'RETRY',
      'RETRY',
    ]);
    expect(await rows(events[0]!.data.shipmentId)).toEqual([]);
    const once = [delivered('seo'), delivered('oh')];
    for (let i = 0; i < 2; i++)
      expect((await deliverBatch(once, batchApp)).statuses.map((s: any) => s.status)).toEqual([
        'SUCCESS',
        'SUCCESS',
      ]);
    for (const e of once) expect(await rows(e.data.shipmentId)).toHaveLength(1);
  });

  it('runs for a lone event too', async () => {
    const event = delivered('moon');
    lookups.length = 0;
    expect(await post({ id: 'ce', data: event }, batchApp)).toEqual({ status: 'SUCCESS' });
    expect(lookups).toEqual([['moon']]);
    expect((await rows(event.data.shipmentId))[0]?.recipient).toBe('MOON');
  });
});

describe("a handler's finish step", () => {
  it("runs once for a batch's new events, in its transaction; a failure reruns them one by one", async () => {
    const events = [delivered('bae'), delivered('nam')];
    finished.length = 0;
    expect((await deliverBatch(events, batchApp)).statuses.map((s: any) => s.status)).toEqual([
      'SUCCESS',
      'SUCCESS',
    ]);
    expect(finished).toEqual([['bae', 'nam']]);
    // Redelivered: duplicates only, so nothing to finish.
    await deliverBatch(events, batchApp);
    expect(finished).toEqual([['bae', 'nam']]);

    finished.length = 0;
    const mixed = [delivered('ryu'), delivered('finish-fails'), delivered('jeon')];
    const res = await deliverBatch(mixed, batchApp);
    expect(finished).toEqual([['ryu', 'finish-fails', 'jeon'], ['ryu'], ['finish-fails'], ['jeon']]);
    expect(res.statuses.map((s: any) => s.status)).toEqual(['SUCCESS', 'RETRY', 'SUCCESS']);
    expect(await rows(mixed[0]!.data.shipmentId)).toHaveLength(1);
    // Its handler's write rolled back with the failed finish.
    expect(await rows(mixed[1]!.data.shipmentId)).toEqual([]);
    expect(await rows(mixed[2]!.data.shipmentId)).toHaveLength(1);
  });
});
