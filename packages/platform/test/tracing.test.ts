/**
 * One trace through the kit, against PostgreSQL: the traceparent a request arrives with is stored
 * with the outbox row its transaction writes and published with the event; a delivered event's
 * handler runs in the trace the event was published in.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { buildEvent, OutboxRelay } from '../src/outbox.ts';
import { startTestService, TEST_APP_TOKEN, type TestService, tokenFor } from '../src/testing/index.ts';
import { parseTraceparent, type TraceContext } from '../src/trace.ts';
import { type DemoDb, demoService, handledIn } from './demo-service.ts';

let svc: TestService<DemoDb, any>;
let buyer: string;
beforeAll(async () => {
  svc = await startTestService(demoService);
  buyer = await tokenFor('u-1', 'buyer');
});
afterAll(() => svc.close());

const T = '0af7651916cd43dd8448eb211c80319c';
const parent = `00-${T}-b7ad6b7169203331-01`;

async function review(headers: Record<string, string>) {
  const res = await svc.call('POST', '/api/v1/reviews', {
    token: buyer,
    body: { productId: 'p-trace', rating: 5, content: 'traced' },
    headers,
  });
  expect(res.status).toBe(201);
  const row = await svc.deps.db
    .selectFrom('outbox')
    .selectAll()
    .where('topic', '=', 'review.created')
    .where(sql<string>`envelope->'data'->>'reviewId'`, '=', res.body.id)
    .executeTakeFirstOrThrow();
  return row;
}

/** What the relay sends the sidecar, by event id (and each request's own trace context). */
const requests: (TraceContext | undefined)[] = [];
async function published() {
  const sent = new Map<string, Record<string, string>>();
  const relay = new OutboxRelay(
    svc.deps.db as never,
    {
      async publishBulk(_pubsub, _topic, entries, trace) {
        for (const e of entries) sent.set((e.event as { eventId: string }).eventId, e.metadata);
        requests.push(trace);
        return new Map();
      },
    },
    createLogger('review', 'silent'),
    { pubsub: 'pubsub', schema: svc.schema, databaseUrl: '', pollMs: 1000 },
  );
  await relay.drain();
  return sent;
}

describe('trace context through the outbox', () => {
  it('stores the traceparent a request came with and publishes the event with it', async () => {
    const row = await review({ traceparent: parent, tracestate: 'vendor=x1' });
    expect([row.trace_parent, row.trace_state]).toEqual([parent, 'vendor=x1']);
    expect((row.envelope as { metadata: { traceId: string } }).metadata.traceId).toBe(T);
    const metadata = (await published()).get(row.event_id)!;
    expect(metadata).toMatchObject({
      'cloudevent.traceparent': parent,
      'cloudevent.tracestate': 'vendor=x1',
    });
  });

  it('publishes a request of rows of one trace in that trace, and of several traces in none', async () => {
    await review({ traceparent: parent });
    requests.length = 0;
    await published();
    expect(requests).toEqual([{ traceparent: parent }]);
    await review({ traceparent: parent });
    await review({ traceparent: `00-${'d'.repeat(32)}-b7ad6b7169203331-01` });
    requests.length = 0;
    await published();
    expect(requests).toEqual([undefined]);
  });

  it('starts a trace for a request that came without one (sampled, at the default rate of 1)', async () => {
    const row = await review({ traceparent: 'not-a-traceparent', tracestate: 'vendor=x1' });
    const started = parseTraceparent(row.trace_parent)!;
    expect(started.sampled).toBe(true);
    expect(started.traceId).not.toBe(T);
    expect(row.trace_state).toBeNull();
    expect((row.envelope as { metadata: { traceId: string } }).metadata.traceId).toBe(started.traceId);
    expect((await published()).get(row.event_id)!['cloudevent.traceparent']).toBe(row.trace_parent);
  });
});

describe('trace context of a delivered event', () => {
  const delivered = () =>
    buildEvent('shipping', 'test', 'shipping.delivered', {
      shipmentId: `sh-${Math.random().toString(36).slice(2)}`,
      orderId: 'o-1',
      deliveredAt: new Date().toISOString(),
      recipient: '김철수',
    });

  it('runs the handler in the trace the cloud event carries, under the delivering sidecar span', async () => {
    const event = delivered();
    const sidecarSpan = `00-${T}-1234567890abcdef-01`;
    const res = await svc.call('POST', '/events/shipping.delivered', {
      body: { id: event.eventId, traceparent: parent, tracestate: 'vendor=x1', data: event },
      headers: { 'dapr-api-token': TEST_APP_TOKEN, traceparent: sidecarSpan },
    });
    expect(res.body.status).toBe('SUCCESS');
    expect(handledIn.get(event.data.shipmentId)).toMatchObject({ traceId: T, traceparent: sidecarSpan });
  });

  it('keeps each entry of a batch in its own trace', async () => {
    const [a, b] = [delivered(), delivered()];
    const other = `00-${'c'.repeat(32)}-1111111111111111-01`;
    const res = await svc.call('POST', '/events/shipping.delivered', {
      body: {
        id: 'bulk',
        entries: [
          { entryId: 'a', event: { id: a.eventId, traceparent: parent, data: a } },
          { entryId: 'b', event: { id: b.eventId, traceparent: other, data: b } },
        ],
      },
      // The batch's header is the delivery span of its last entry.
      headers: { 'dapr-api-token': TEST_APP_TOKEN, traceparent: `00-${'c'.repeat(32)}-2222222222222222-01` },
    });
    expect(res.body.statuses.map((s: { status: string }) => s.status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(handledIn.get(a.data.shipmentId)).toMatchObject({ traceId: T, traceparent: parent });
    expect(handledIn.get(b.data.shipmentId)).toMatchObject({
      traceId: 'c'.repeat(32),
      traceparent: `00-${'c'.repeat(32)}-2222222222222222-01`,
    });
  });
});
