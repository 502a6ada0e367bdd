import { subscriptionsOf } from '@mp/contracts';
import { buildEvent } from '@mp/platform';
import { serviceForFile, startTestService, TEST_APP_TOKEN, tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { service } from '../src/service.ts';

let admin: string;
const svc = serviceForFile(() => startTestService(service), 'the stats service');
beforeAll(async () => {
  admin = await tokenFor('a-1', 'admin');
});

const signup = (createdAt: string, role: 'buyer' | 'seller') =>
  buildEvent('user', 'test', 'user.created', {
    userId: `u-${Math.random()}`,
    email: 'a@b.kr',
    name: 'n',
    role,
    createdAt,
  });
const deliver = (event: object) =>
  svc.call('POST', '/events/user.created', {
    body: { data: event },
    headers: { 'dapr-api-token': TEST_APP_TOKEN },
  });

describe('stats service', () => {
  it('subscribes to exactly the topics the catalog gives it', async () => {
    const res = await svc.call('GET', '/dapr/subscribe');
    expect(res.body.map((s: { topic: string }) => s.topic).sort()).toEqual(
      [...subscriptionsOf('stats')].sort(),
    );
  });

  it('counts sign-ups per Korean day and role, once per event', async () => {
    const a = signup('2024-03-01T14:59:00Z', 'buyer'); // 23:59 KST on the 1st
    const b = signup('2024-03-01T15:01:00Z', 'buyer'); // 00:01 KST on the 2nd
    const c = signup('2024-03-01T16:00:00Z', 'seller');
    for (const e of [a, a, b, c, c]) expect((await deliver(e)).body).toEqual({ status: 'SUCCESS' });
    const res = await svc.call('GET', '/api/v1/stats/signups?from=2024-03-01&to=2024-03-02', {
      token: admin,
    });
    expect(res.body.items).toEqual([
      { date: '2024-03-01', buyer: 1, seller: 0, admin: 0, total: 1 },
      { date: '2024-03-02', buyer: 1, seller: 1, admin: 0, total: 2 },
    ]);
  });

  it('refuses a reversed or malformed range and non-admins', async () => {
    expect(
      (await svc.call('GET', '/api/v1/stats/signups?from=2024-03-02&to=2024-03-01', { token: admin })).status,
    ).toBe(400);
    const bad = await svc.call('GET', '/api/v1/stats/signups?from=yesterday&to=2024-03-01', { token: admin });
    expect(bad.body.errors[0]).toMatchObject({ path: 'from', in: 'query' });
    expect(
      (
        await svc.call('GET', '/api/v1/stats/signups?from=2024-03-01&to=2024-03-01', {
          token: await tokenFor('s', 'seller'),
        })
      ).status,
    ).toBe(403);
  });

  it('drops a delivery whose payload breaks the contract', async () => {
    const res = await deliver({ ...signup('2024-03-01T00:00:00Z', 'buyer'), data: { userId: 'x' } });
    expect(res.body).toEqual({ status: 'DROP' });
  });
});
