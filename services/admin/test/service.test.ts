import { randomBytes } from 'node:crypto';
import { deadLetterTopic, subscriptionsOf } from '@mp/contracts';
import { buildEvent } from '@mp/platform';
import { TEST_APP_TOKEN, tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminForFile } from './helpers.ts';

let admin: string;
const svc = adminForFile();
beforeAll(async () => {
  admin = await tokenFor('a-1', 'admin');
});

const deliver = (topic: string, cloudEvent: Record<string, unknown>) =>
  svc.call('POST', `/events/${topic}`, { body: cloudEvent, headers: { 'dapr-api-token': TEST_APP_TOKEN } });
const loginEvent = (correlationId: string) =>
  buildEvent(
    'auth',
    'test',
    'auth.user.login',
    {
      userId: 'u-1',
      sessionId: 's-1',
      method: 'password',
      loggedInAt: new Date().toISOString(),
    },
    { correlationId },
  );

describe('the event monitor', () => {
  it('subscribes to every topic of the catalog and to the dead-letter topic', async () => {
    const res = await svc.call('GET', '/dapr/subscribe');
    expect(res.body.map((s: { topic: string }) => s.topic).sort()).toEqual(
      [...subscriptionsOf('admin'), deadLetterTopic].sort(),
    );
  });

  it('records an event once however often it is delivered, and finds it by correlation id and type', async () => {
    const event = loginEvent('corr-monitor-1');
    expect((await deliver('auth.user.login', { id: event.eventId, data: event })).body).toEqual({
      status: 'SUCCESS',
    });
    expect((await deliver('auth.user.login', { id: event.eventId, data: event })).body).toEqual({
      status: 'SUCCESS',
    });
    const res = await svc.call('GET', '/api/v1/admin/events?correlationId=corr-monitor-1', { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      eventId: event.eventId,
      eventType: 'auth.user.login',
      valid: true,
      deliveries: 2,
      deadLetter: false,
    });
    const byType = await svc.call('GET', '/api/v1/admin/events?type=auth.user.login', { token: admin });
    expect(byType.body.items.map((i: { eventId: string }) => i.eventId)).toContain(event.eventId);
  });

  it('records a batch in one write: an event twice in it counts two deliveries, a bad one is kept as invalid', async () => {
    const twice = loginEvent('corr-monitor-batch');
    const bad = { ...loginEvent('corr-monitor-batch'), data: { userId: 'u-1' } };
    const entry = (entryId: string, data: unknown) => ({
      entryId,
      event: { id: (data as { eventId: string }).eventId, data },
      contentType: 'application/cloudevents+json',
    });
    const res = await svc.call('POST', '/events/auth.user.login', {
      body: { entries: [entry('1', twice), entry('2', bad), entry('3', twice)] },
      headers: { 'dapr-api-token': TEST_APP_TOKEN },
    });
    expect(res.body.statuses).toEqual([
      { entryId: '1', status: 'SUCCESS' },
      { entryId: '2', status: 'SUCCESS' },
      { entryId: '3', status: 'SUCCESS' },
    ]);
    // The batch again (daprd redelivers it whole): every row counts its deliveries up.
    await svc.call('POST', '/events/auth.user.login', {
      body: { entries: [entry('1', twice), entry('2', bad), entry('3', twice)] },
      headers: { 'dapr-api-token': TEST_APP_TOKEN },
    });
    const listed = await svc.call('GET', '/api/v1/admin/events?correlationId=corr-monitor-batch', {
      token: admin,
    });
    const byId = new Map(
      listed.body.items.map((i: { eventId: string; deliveries: number; valid: boolean }) => [i.eventId, i]),
    );
    expect(listed.body.items).toHaveLength(2);
    expect(byId.get(twice.eventId)).toMatchObject({ deliveries: 4, valid: true });
    expect(byId.get(bad.eventId)).toMatchObject({ deliveries: 2, valid: false });
  });

  it('records a malformed event as invalid, with its problems, instead of refusing it', async () => {
    const event = loginEvent('corr-monitor-bad');
    const bad = { ...event, data: { userId: 'u-1' } };
    expect((await deliver('auth.user.login', { id: event.eventId, data: bad })).body).toEqual({
      status: 'SUCCESS',
    });
    const res = await svc.call('GET', '/api/v1/admin/events?correlationId=corr-monitor-bad', {
      token: admin,
    });
    expect(res.body.items[0].valid).toBe(false);
    expect(res.body.items[0].problems.join(' ')).toContain('data.sessionId');
  });

  it('records dead letters under their original topic', async () => {
    const event = loginEvent('corr-monitor-dlq');
    await deliver(deadLetterTopic, { id: event.eventId, topic: 'auth.user.login', data: event });
    const res = await svc.call('GET', `/api/v1/admin/events?deadLetter=true&eventId=${event.eventId}`, {
      token: admin,
    });
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      topic: 'auth.user.login',
      deadLetter: true,
      correlationId: 'corr-monitor-dlq',
    });
  });

  it('never keeps secrets a payload carries', async () => {
    const event = buildEvent(
      'auth',
      'test',
      'auth.password.reset',
      {
        userId: 'u-1',
        email: 'a@b.kr',
        phase: 'requested',
        // The event no longer carries the token; the monitor would still drop one a publisher sent.
        ...{ resetToken: 'super-secret' },
        at: new Date().toISOString(),
      },
      { correlationId: 'corr-secret' },
    );
    await deliver('auth.password.reset', { id: event.eventId, data: event });
    const res = await svc.call('GET', '/api/v1/admin/events?correlationId=corr-secret', { token: admin });
    expect(JSON.stringify(res.body)).not.toContain('super-secret');
  });

  it('never keeps personal data: addresses, phone numbers, names, emails (valid events and dead letters)', async () => {
    const personal = [
      '서울시 강남구 테헤란로 1',
      '010-9876-5432',
      '06236',
      '김민지',
      'minji@example.kr',
      '203.0.113.7',
    ];
    const now = new Date().toISOString();
    const event = (source: any, topic: any, data: unknown) =>
      buildEvent(source, 'test', topic, data as never, { correlationId: 'corr-pii' });
    const placed = event('order', 'order.created', {
      orderId: 'o-pii',
      userId: 'u-1',
      shippingAddress: {
        recipient: '김민지',
        phone: '010-9876-5432',
        address: personal[0],
        zipCode: '06236',
      },
    });
    await deliver('order.created', { id: placed.eventId, data: placed });
    const registered = event('user', 'user.created', {
      userId: 'u-1',
      email: 'minji@example.kr',
      name: '김민지',
      role: 'buyer',
      createdAt: now,
    });
    await deliver('user.created', { id: registered.eventId, data: registered });
    const login = event('auth', 'auth.user.login', {
      userId: 'u-1',
      sessionId: 's-1',
      method: 'password',
      ip: '203.0.113.7',
      loggedInAt: now,
    });
    await deliver(deadLetterTopic, { id: login.eventId, topic: 'auth.user.login', data: login });
    const res = await svc.call('GET', '/api/v1/admin/events?correlationId=corr-pii', { token: admin });
    expect(res.body.items).toHaveLength(3);
    const shown = JSON.stringify(res.body);
    for (const value of personal) expect(shown).not.toContain(value);
    const stored = JSON.stringify(await svc.deps.db.selectFrom('event_log').select('envelope').execute());
    for (const value of personal) expect(stored).not.toContain(value);
    // What is not personal stays, to be searched and read.
    expect(shown).toContain('o-pii');
  });

  it('records an event whose correlation id is not one (huge) instead of failing on it forever', async () => {
    const event = { ...loginEvent('corr-huge'), correlationId: randomBytes(6000).toString('hex') };
    const res = await deliver('auth.user.login', { id: event.eventId, data: event });
    expect(res.body).toEqual({ status: 'SUCCESS' });
    const found = await svc.call('GET', `/api/v1/admin/events?eventId=${event.eventId}`, { token: admin });
    expect(found.body.items[0]).toMatchObject({ valid: false, correlationId: null });
  });

  it('pages with a cursor and is for admins only', async () => {
    for (let i = 0; i < 3; i++) {
      const e = loginEvent('corr-page');
      await deliver('auth.user.login', { id: e.eventId, data: e });
    }
    const first = await svc.call('GET', '/api/v1/admin/events?correlationId=corr-page&limit=2', {
      token: admin,
    });
    expect(first.body.items).toHaveLength(2);
    const second = await svc.call(
      'GET',
      `/api/v1/admin/events?correlationId=corr-page&limit=2&cursor=${first.body.nextCursor}`,
      { token: admin },
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    expect(
      (await svc.call('GET', '/api/v1/admin/events', { token: await tokenFor('u-1', 'buyer') })).status,
    ).toBe(403);
    expect((await svc.call('GET', '/api/v1/admin/events')).status).toBe(401);
  });
});
