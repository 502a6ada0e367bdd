import { subscriptionsOf } from '@mp/contracts';
import { serviceForFile, startTestService, TEST_APP_TOKEN } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { service } from '../src/service.ts';

const svc = serviceForFile(() => startTestService(service), 'the file service');

describe('file service', () => {
  it('is alive and documents its routes', async () => {
    expect((await svc.call('GET', '/healthz')).status).toBe(200);
    expect((await svc.call('GET', '/openapi.json')).body.info.title).toBe('file service');
  });

  it('subscribes to exactly the topics the catalog gives it', async () => {
    const res = await svc.call('GET', '/dapr/subscribe');
    expect(res.body.map((s: { topic: string }) => s.topic).sort()).toEqual(
      [...subscriptionsOf('file')].sort(),
    );
  });

  it('drops a delivery whose payload breaks the contract', async () => {
    for (const topic of subscriptionsOf('file')) {
      const res = await svc.call('POST', `/events/${topic}`, {
        body: { data: { eventId: 'not-a-uuid', eventType: topic } },
        headers: { 'dapr-api-token': TEST_APP_TOKEN },
      });
      expect(res.body, topic).toEqual({ status: 'DROP' });
    }
  });
});
