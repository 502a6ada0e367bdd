import { randomBytes, randomUUID } from 'node:crypto';
import { ConfigError, parseConfig } from '@mp/platform';
import { startTestService } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { paymentSandbox } from '../sandbox/index.ts';
import { paymentService, service } from '../src/service.ts';
import { basic, paymentForFile } from './helpers.ts';

const svc = paymentForFile();

describe('the PG sandbox', () => {
  it("speaks Toss's API: Basic auth of the secret key, Toss error objects", async () => {
    const wrong = `Basic ${Buffer.from('test_sk_someone_else:').toString('base64')}`;
    const res = await svc.call('GET', `/sandbox/pg/v1/payments/orders/${randomUUID()}`, {
      headers: { authorization: wrong },
    });
    expect([res.status, res.body.code]).toEqual([401, 'UNAUTHORIZED_KEY']);
    const missing = await svc.call('GET', `/sandbox/pg/v1/payments/orders/${randomUUID()}`, {
      headers: { authorization: basic },
    });
    expect([missing.status, missing.body.code]).toEqual([404, 'NOT_FOUND_PAYMENT']);
  });

  it('replays a confirmation sent twice under one Idempotency-Key', async () => {
    const orderId = randomUUID();
    const window = await svc.call('POST', '/sandbox/pg/window/payments', { body: { orderId, amount: 1000 } });
    const body = { paymentKey: window.body.paymentKey, orderId, amount: 1000 };
    const headers = { authorization: basic, 'idempotency-key': randomUUID() };
    const a = await svc.call('POST', '/sandbox/pg/v1/payments/confirm', { body, headers });
    const b = await svc.call('POST', '/sandbox/pg/v1/payments/confirm', { body, headers });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body).toEqual(a.body);
    const other = await svc.call('POST', '/sandbox/pg/v1/payments/confirm', {
      body,
      headers: { authorization: basic, 'idempotency-key': randomUUID() },
    });
    expect(other.body.code).toBe('ALREADY_PROCESSED_PAYMENT');
  });

  it('is not mounted outside local profiles', async () => {
    const prod = await startTestService(paymentService({ local: paymentSandbox() }), {
      env: {
        LOCAL_DEV: 'false',
        TOSS_SECRET_KEY: 'test_sk_production_like_key',
        PAYMENT_METHOD_KEY: randomBytes(32).toString('base64'),
      },
    });
    try {
      const res = await prod.call('POST', '/sandbox/pg/window/payments', {
        body: { orderId: 'abcdefgh', amount: 1 },
      });
      expect(res.status).toBe(404);
    } finally {
      await prod.close();
    }
  });
});

describe('configuration', () => {
  it('needs a Toss secret key and a payment-method key outside local profiles, and refuses headless mode there', () => {
    const env = { DATABASE_URL: 'postgres://x@localhost/db', APP_API_TOKEN: 'x'.repeat(16) };
    expect(() => parseConfig('payment', service.config!, env)).toThrow(ConfigError);
    try {
      parseConfig('payment', service.config!, { ...env, PG_SANDBOX_AUTO_APPROVE: 'true' });
    } catch (err) {
      expect((err as ConfigError).issues.map((i) => i.variable).sort()).toEqual([
        'PAYMENT_METHOD_KEY',
        'PG_SANDBOX_AUTO_APPROVE',
        'TOSS_SECRET_KEY',
      ]);
    }
    expect(
      parseConfig('payment', service.config!, { ...env, ENVIRONMENT: 'local', LOCAL_DEV: 'true' })
        .PG_SANDBOX_AUTO_APPROVE,
    ).toBe(false);
  });
});

describe('the service', () => {
  it('subscribes to exactly the topics the catalog gives it and drops malformed deliveries', async () => {
    const { subscriptionsOf } = await import('@mp/contracts');
    const res = await svc.call('GET', '/dapr/subscribe');
    expect(res.body.map((s: { topic: string }) => s.topic).sort()).toEqual(
      [...subscriptionsOf('payment')].sort(),
    );
    for (const topic of subscriptionsOf('payment')) {
      const bad = await svc.call('POST', `/events/${topic}`, {
        body: { data: { eventId: 'not-a-uuid', eventType: topic } },
        headers: { 'dapr-api-token': 'test-app-token-0123456789abcdef' },
      });
      expect(bad.body, topic).toEqual({ status: 'DROP' });
    }
    expect((await svc.call('GET', '/openapi.json')).body.paths['/api/v1/payments/confirm']).toBeDefined();
  });
});
