import { subscriptionsOf } from '@mp/contracts';
import { startTestService, TEST_APP_TOKEN, type TestService } from '@mp/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/schema.ts';
import { service } from '../src/service.ts';

let svc: TestService<Database, unknown>;
beforeAll(async () => {
  svc = await startTestService(service);
});
afterAll(() => svc.close());

describe('settlement service', () => {
  it('is alive and documents its routes', async () => {
    expect((await svc.call('GET', '/healthz')).status).toBe(200);
    expect((await svc.call('GET', '/openapi.json')).body.info.title).toBe('settlement service');
  });

  it('subscribes to exactly the topics the catalog gives it', async () => {
    const res = await svc.call('GET', '/dapr/subscribe');
    expect(res.body.map((s: { topic: string }) => s.topic).sort()).toEqual(
      [...subscriptionsOf('settlement')].sort(),
    );
  });

  it('drops a delivery whose payload breaks the contract', async () => {
    for (const topic of subscriptionsOf('settlement')) {
      const res = await svc.call('POST', `/events/${topic}`, {
        body: { data: { eventId: 'not-a-uuid', eventType: topic } },
        headers: { 'dapr-api-token': TEST_APP_TOKEN },
      });
      expect(res.body, topic).toEqual({ status: 'DROP' });
    }
  });
});
