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

async function post(body: unknown): Promise<any> {
  const res = await app.request('/events/shipping.delivered', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
}
const deliver = (event: unknown) => post({ id: 'ce', data: event });
const deliverBatch = (events: unknown[]) =>
  post({
    id: 'bulk',
    entries: events.map((data, i) => ({ entryId: `e${i}`, event: { id: `ce-${i}`, data } })),
  });
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
