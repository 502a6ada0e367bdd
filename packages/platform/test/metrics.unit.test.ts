import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Hono } from 'hono';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics.ts';

/** The value of one series in the registry's text, or undefined. */
async function sample(
  m: ReturnType<typeof createMetrics>,
  name: string,
  labels: Record<string, string> = {},
) {
  const text = await m.registry.metrics();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.split(' ').at(-1));
  }
  return undefined;
}

function appWith(m: ReturnType<typeof createMetrics>) {
  const app = new Hono();
  app.use('*', m.http);
  app.use('/orders/*', async (_c, next) => next());
  app.get('/orders/:id', (c) => c.json({ id: c.req.param('id') }));
  app.post('/orders/:id/cancel', () => {
    throw new Error('boom');
  });
  app.get('/healthz', (c) => c.text('ok'));
  app.onError((_err, c) => c.json({ title: 'failed' }, 500));
  return app;
}

describe('the kit metrics', () => {
  it('gives the live heap after a full collection (a leak shows as it rising, not as RSS)', async () => {
    const m = createMetrics({ service: 'order' });
    m.collectDefaults();
    try {
      setFlagsFromString('--expose-gc');
      (runInNewContext('gc') as () => void)();
      await new Promise((r) => setTimeout(r, 100));
      const live = await sample(m, 'nodejs_heap_live_bytes');
      expect(live).toBeGreaterThan(1_000_000);
      expect(live).toBeLessThan(process.memoryUsage().heapTotal);
    } finally {
      await m.close();
    }
  });

  it('counts requests by route pattern, never by raw path, with their status', async () => {
    const m = createMetrics({ service: 'order' });
    const app = appWith(m);
    await app.request('/orders/o-1');
    await app.request('/orders/o-2');
    await app.request('/no/such/path/123');
    const text = await m.registry.metrics();
    expect(
      await sample(m, 'mp_http_requests_total', { route: '/orders/:id', status: '200', service: 'order' }),
    ).toBe(2);
    expect(await sample(m, 'mp_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect(text).not.toContain('o-1');
    expect(text).not.toContain('/no/such/path');
    expect(
      await sample(m, 'mp_http_request_duration_seconds_count', { route: '/orders/:id', method: 'GET' }),
    ).toBe(2);
  });

  it('counts 5xx answers as errors, a thrown handler included, and leaves the probes out', async () => {
    const m = createMetrics({ service: 'order' });
    const app = appWith(m);
    expect((await app.request('/orders/o-1/cancel', { method: 'POST' })).status).toBe(500);
    await app.request('/orders/o-1');
    await app.request('/healthz');
    expect(
      await sample(m, 'mp_http_request_errors_total', {
        route: '/orders/:id/cancel',
        status: '500',
        method: 'POST',
      }),
    ).toBe(1);
    expect(await sample(m, 'mp_http_request_errors_total', { route: '/orders/:id' })).toBeUndefined();
    expect(await m.registry.metrics()).not.toContain('/healthz');
  });

  it('counts deliveries by topic and outcome and observes their lag from the event time', async () => {
    const m = createMetrics({ service: 'payment' });
    const tenSecondsAgo = new Date(Date.now() - 10_000).toISOString();
    m.delivered('order.placed', 'handled', tenSecondsAgo);
    m.delivered('order.placed', 'failed', tenSecondsAgo);
    m.delivered('order.placed', 'dead_lettered', 'not a time');
    for (const outcome of ['handled', 'failed', 'dead_lettered'])
      expect(await sample(m, 'mp_events_consumed_total', { topic: 'order.placed', outcome })).toBe(1);
    expect(await sample(m, 'mp_event_consumer_lag_seconds_count', { topic: 'order.placed' })).toBe(2);
    const sum = (await sample(m, 'mp_event_consumer_lag_seconds_sum', { topic: 'order.placed' }))!;
    expect(sum).toBeGreaterThanOrEqual(20);
    expect(sum).toBeLessThan(30);
    expect(await sample(m, 'mp_event_consumer_lag_seconds_bucket', { topic: 'order.placed', le: '5' })).toBe(
      0,
    );
    expect(await sample(m, 'mp_event_consumer_lag_seconds_bucket', { topic: 'order.placed', le: '30' })).toBe(
      2,
    );
  });

  it("reads the pool's connections at each scrape", async () => {
    const pool = { totalCount: 4, idleCount: 1, waitingCount: 7, options: { max: 10 } } as unknown as pg.Pool;
    const m = createMetrics({ service: 'order', pool });
    expect(await sample(m, 'mp_db_pool_connections')).toBe(4);
    expect(await sample(m, 'mp_db_pool_idle_connections')).toBe(1);
    expect(await sample(m, 'mp_db_pool_waiting_clients')).toBe(7);
    expect(await sample(m, 'mp_db_pool_max_connections')).toBe(10);
    (pool as { waitingCount: number }).waitingCount = 0;
    expect(await sample(m, 'mp_db_pool_waiting_clients')).toBe(0);
  });

  it('serves the text format on its own port, with Node default metrics, and nothing else there', async () => {
    const m = createMetrics({ service: 'order' });
    m.collectDefaults();
    const { port } = await m.serve(0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(text).toContain('process_cpu_user_seconds_total{service="order"}');
      expect(text).toContain('nodejs_eventloop_lag_seconds');
      expect((await fetch(`http://127.0.0.1:${port}/orders`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      await m.close();
    }
  });
});
