import { subscriptionsOf } from '@mp/contracts';
import { newId, sql } from '@mp/platform';
import { serviceForFile, startTestService, TEST_APP_TOKEN, tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { service } from '../src/service.ts';

const svc = serviceForFile(() => startTestService(service), 'the search service');

describe('search service', () => {
  it('is alive and documents its routes', async () => {
    expect((await svc.call('GET', '/healthz')).status).toBe(200);
    expect((await svc.call('GET', '/openapi.json')).body.info.title).toBe('search service');
  });

  it('subscribes to exactly the topics the catalog gives it', async () => {
    const res = await svc.call('GET', '/dapr/subscribe');
    expect(res.body.map((s: { topic: string }) => s.topic).sort()).toEqual(
      [...subscriptionsOf('search')].sort(),
    );
  });

  it("plans each statement for its words: PostgreSQL keeps no generic plan for search's queries", async () => {
    const { rows } = await sql<{ mode: string }>`select current_setting('plan_cache_mode') as mode`.execute(
      svc.deps.db,
    );
    expect(rows[0]!.mode).toBe('force_custom_plan');
  });

  it('drops a delivery whose payload breaks the contract', async () => {
    for (const topic of subscriptionsOf('search')) {
      const res = await svc.call('POST', `/events/${topic}`, {
        body: { data: { eventId: 'not-a-uuid', eventType: topic } },
        headers: { 'dapr-api-token': TEST_APP_TOKEN },
      });
      expect(res.body, topic).toEqual({ status: 'DROP' });
    }
  });
});

describe('search on an OpenSearch that cannot answer', () => {
  it('answers 503 SEARCH_UNAVAILABLE for products and orders, not a 500, and is not ready', async () => {
    const down = await startTestService(service, {
      env: { SEARCH_BACKEND: 'opensearch', OPENSEARCH_URL: 'http://127.0.0.1:1' },
    });
    try {
      const products = await down.call('GET', '/api/v1/search?q=shoes');
      expect(products.status).toBe(503);
      expect(products.body.code).toBe('SEARCH_UNAVAILABLE');
      const orders = await down.call('GET', '/api/v1/search/orders?q=shoes', {
        token: await tokenFor(newId(), 'admin'),
      });
      expect(orders.status).toBe(503);
      expect(orders.body.code).toBe('SEARCH_UNAVAILABLE');
      const ready = await down.call('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toMatchObject({ index: false, orders: false });
    } finally {
      await down.close();
    }
  });
});
