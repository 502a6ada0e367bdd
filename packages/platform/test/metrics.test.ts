import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent } from '../src/outbox.ts';
import { startTestService, TEST_APP_TOKEN, type TestService, tokenFor } from '../src/testing/index.ts';
import { type DemoDb, demoService } from './demo-service.ts';

let svc: TestService<DemoDb, any>;
beforeAll(async () => {
  svc = await startTestService(demoService);
});
afterAll(() => svc.close());

async function sample(name: string, labels: Record<string, string> = {}) {
  const text = await svc.metrics.registry.metrics();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.split(' ').at(-1));
  }
  return undefined;
}

describe("a service's metrics", () => {
  it('show the outbox backlog and the age of its oldest row until the relay publishes them', async () => {
    expect(await sample('mp_outbox_backlog', { service: 'review' })).toBe(0);
    expect(await sample('mp_outbox_oldest_age_seconds')).toBe(0);
    const res = await svc.call('POST', '/api/v1/reviews', {
      token: await tokenFor('u-1', 'buyer'),
      body: { productId: 'p-1', rating: 5, content: 'good' },
    });
    expect(res.status).toBe(201);
    await svc.deps.db
      .updateTable('outbox')
      .set({ created_at: new Date(Date.now() - 90_000) } as never)
      .execute();
    await new Promise((r) => setTimeout(r, 1100)); // past the one-second cache of a scrape
    expect(await sample('mp_outbox_backlog')).toBe(1);
    const age = (await sample('mp_outbox_oldest_age_seconds'))!;
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(120);
    // As the relay marks a published row (it has no sidecar here).
    await svc.deps.db.updateTable('outbox').set({ sent_at: new Date() }).execute();
    await new Promise((r) => setTimeout(r, 1100));
    expect(await sample('mp_outbox_backlog')).toBe(0);
    // The request was counted under its route pattern; the pool is read.
    expect(await sample('mp_http_requests_total', { route: '/api/v1/reviews', status: '201' })).toBe(1);
    expect(await sample('mp_db_pool_max_connections')).toBe(5);
  });

  it('count deliveries by outcome, a batch entry by entry, with their lag', async () => {
    const delivered = (recipient: string) =>
      buildEvent('shipping', 'test', 'shipping.delivered', {
        shipmentId: `sh-${Math.random().toString(36).slice(2)}`,
        orderId: 'o-1',
        deliveredAt: new Date().toISOString(),
        recipient,
      });
    const topic = 'shipping.delivered';
    await svc.deliver(delivered('김철수'));
    await svc.deliver(delivered('transient'));
    const res = await svc.call('POST', `/events/${topic}`, {
      body: {
        entries: [delivered('이영희'), delivered('never'), delivered('박민수')].map((data, i) => ({
          entryId: `e${i}`,
          event: { id: `ce-${i}`, type: topic, data },
        })),
      },
      headers: { 'dapr-api-token': TEST_APP_TOKEN },
    });
    expect(res.body.statuses.map((s: { status: string }) => s.status)).toEqual([
      'SUCCESS',
      'DROP',
      'SUCCESS',
    ]);
    // A body that is not JSON at all is dropped too, and counted so (it has no event time).
    const garbage = await svc.call('POST', `/events/${topic}`, {
      raw: '{not json',
      headers: { 'dapr-api-token': TEST_APP_TOKEN, 'content-type': 'application/json' },
    });
    expect(garbage.body).toEqual({ status: 'DROP' });
    expect(await sample('mp_events_consumed_total', { topic, outcome: 'handled' })).toBe(3);
    expect(await sample('mp_events_consumed_total', { topic, outcome: 'failed' })).toBe(1);
    expect(await sample('mp_events_consumed_total', { topic, outcome: 'dead_lettered' })).toBe(2);
    expect(await sample('mp_event_consumer_lag_seconds_count', { topic })).toBe(5);
  });
});
