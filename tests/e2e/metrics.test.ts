/**
 * Every app's own metrics endpoint, as Prometheus scrapes it (its metrics port, never the gateway),
 * and its series moving as an order is placed, paid and handed to shipping.
 */
import { randomUUID } from 'node:crypto';
import { serviceNames } from '@mp/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  appCounter,
  base,
  daprCounter,
  eventually,
  portsOf,
  scrape,
  sumSeries,
} from './lib.ts';
import {
  address,
  buyer,
  category,
  type Listed,
  listedProduct,
  orderReaches,
  pay,
  verifiedSeller,
} from './ordering-lib.ts';

let admin: string;
let listed: Listed;
beforeAll(async () => {
  admin = await adminToken();
  const seller = await verifiedSeller(admin);
  listed = await listedProduct(admin, seller, {
    categoryId: await category(admin),
    name: '측정용 머그컵',
    price: 12_000,
    stock: 10,
  });
});

describe('the apps’ metrics', () => {
  it('are served by every app on its own port, with its pool, outbox and Node series', async () => {
    for (const name of serviceNames) {
      const text = await scrape(portsOf(name).appMetrics);
      expect(text, name).toContain(`mp_db_pool_max_connections{service="${name}"}`);
      expect(text, name).toMatch(new RegExp(`mp_outbox_backlog\\{service="${name}"\\} \\d+`));
      expect(text, name).toContain(`mp_outbox_oldest_age_seconds{service="${name}"}`);
      expect(text, name).toContain(`process_resident_memory_bytes{service="${name}"}`);
      expect(text, name).toContain('# TYPE mp_http_request_duration_seconds histogram');
      // The sidecar's own metrics sit beside them, on the sidecar's port.
      expect(await scrape(portsOf(name).metrics), name).toContain('dapr_');
    }
  });

  it("label a sidecar's invocations by the call's template, so a sign-up's id adds no series", async () => {
    const template = '/internal/email-verifications/{verificationId}';
    const fetched = () => daprCounter('auth', 'dapr_http_client_completed_count', { path: template });
    const before = await fetched();
    // A sign-up sends a verification mail: notification fetches the verification from auth by its id.
    await buyer('metrics-labels');
    await eventually(async () => (await fetched()) > before, 20_000, 'auth to hand out a verification');
    for (const name of serviceNames) {
      const paths = [...(await scrape(portsOf(name).metrics)).matchAll(/path="([^"]*)"/g)].map((m) => m[1]!);
      const verifications = paths.filter((p) => p.includes('/internal/email-verifications/'));
      // Before the sidecars were given the calls' templates, every verification id was a series of its own.
      expect(
        verifications.filter((p) => !p.endsWith(template)),
        name,
      ).toEqual([]);
    }
  });

  it('are not reachable through the gateway', async () => {
    expect((await fetch(`${base()}/metrics`)).status).toBe(404);
  });

  it('move with an order: the request by its route, the saga’s deliveries and their lag', async () => {
    const route = { service: 'order', method: 'POST', route: '/api/v1/orders', status: '201' };
    const placed = { topic: 'order.created', outcome: 'handled' };
    const paid = { topic: 'payment.completed', outcome: 'handled' };
    const preparing = { topic: 'shipping.requested', outcome: 'handled' };
    const before = {
      requests: await appCounter('order', 'mp_http_requests_total', route),
      durations: await appCounter('order', 'mp_http_request_duration_seconds_count', { route: route.route }),
      placed: await appCounter('payment', 'mp_events_consumed_total', placed),
      paid: await appCounter('order', 'mp_events_consumed_total', paid),
      preparing: await appCounter('order', 'mp_events_consumed_total', preparing),
      lag: await appCounter('order', 'mp_event_consumer_lag_seconds_count', { topic: paid.topic }),
    };

    const who = await buyer('metrics');
    const res = await api('POST', '/api/v1/orders', {
      token: who.token,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        shippingAddress: address,
        paymentMethod: 'card',
        items: [{ productId: listed.productId, sku: listed.sku, quantity: 1 }],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await pay(who, res.body, {})).body.status).toBe('DONE');
    await orderReaches(who, res.body.id, 'PREPARING');

    // Raw paths never become series: the order's id appears nowhere.
    expect(await scrape(portsOf('order').appMetrics)).not.toContain(res.body.id);
    expect(await appCounter('order', 'mp_http_requests_total', route)).toBeGreaterThan(before.requests);
    expect(
      await appCounter('order', 'mp_http_request_duration_seconds_count', { route: route.route }),
    ).toBeGreaterThan(before.durations);
    await eventually(
      async () => (await appCounter('payment', 'mp_events_consumed_total', placed)) > before.placed,
      20_000,
      'payment to count order.created handled',
    );
    expect(await appCounter('order', 'mp_events_consumed_total', paid)).toBeGreaterThan(before.paid);
    expect(await appCounter('order', 'mp_events_consumed_total', preparing)).toBeGreaterThan(
      before.preparing,
    );
    const text = await scrape(portsOf('order').appMetrics);
    expect(sumSeries(text, 'mp_event_consumer_lag_seconds_count', { topic: paid.topic })).toBeGreaterThan(
      before.lag,
    );
    // Delivered within the lag histogram's range (under ten minutes, end to end).
    expect(sumSeries(text, 'mp_event_consumer_lag_seconds_bucket', { topic: paid.topic, le: '600' })).toBe(
      sumSeries(text, 'mp_event_consumer_lag_seconds_count', { topic: paid.topic }),
    );
  });
});
