import { randomUUID } from 'node:crypto';
import { deadLetterTopic } from '@mp/contracts';
import { buildEvent } from '@mp/platform';
import { TEST_APP_TOKEN, tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminForFile } from './helpers.ts';

let admin: string;
const svc = adminForFile();
beforeAll(async () => {
  admin = await tokenFor('a-1', 'admin');
});

/** A dead letter as daprd forwards it: the original envelope on the dead-letter topic. */
const deadLetter = async (topic: string, event: { eventId: string }) =>
  svc.call('POST', `/events/${deadLetterTopic}`, {
    body: { id: event.eventId, topic, data: event },
    headers: { 'dapr-api-token': TEST_APP_TOKEN },
  });
const paid = () =>
  buildEvent('payment', 'test', 'payment.completed', {
    paymentId: randomUUID(),
    orderId: randomUUID(),
    userId: randomUUID(),
    amount: 45_000,
    method: 'CARD',
    pgTransactionId: `tx-${randomUUID()}`,
    paidAt: new Date().toISOString(),
  });
const replayOne = (eventId: string, token = admin) =>
  svc.call('POST', `/api/v1/admin/events/dead-letters/${eventId}/replay`, { token });
const outboxed = async (topic: string, eventId: string) =>
  (await svc.outbox(topic)).filter((e) => e.eventId === eventId);

describe('dead-letter replay', () => {
  it('publishes one dead letter again as it was, once', async () => {
    const event = paid();
    await deadLetter('payment.completed', event);
    const first = await replayOne(event.eventId);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ replayed: [event.eventId], skipped: [] });
    const again = await replayOne(event.eventId);
    expect(again.body).toEqual({ replayed: [], skipped: [] });
    const out = await outboxed('payment.completed', event.eventId);
    expect(out).toHaveLength(1);
    expect(out[0]).toEqual(JSON.parse(JSON.stringify(event)));
    const shown = await svc.call('GET', `/api/v1/admin/events?deadLetter=true&eventId=${event.eventId}`, {
      token: admin,
    });
    expect(shown.body.items[0].replayedAt).toEqual(expect.any(String));
  });

  it('replays what a filter names, skipping what cannot be replayed and what was replayed', async () => {
    const a = paid();
    const b = paid();
    await deadLetter('payment.completed', a);
    await deadLetter('payment.completed', b);
    // A reset names its account's email: kept redacted by the monitor, so not replayable.
    const reset = buildEvent('auth', 'test', 'auth.password.reset', {
      userId: randomUUID(),
      email: 'x@example.kr',
      phase: 'requested',
      resetId: randomUUID(),
      expiresAt: new Date().toISOString(),
      at: new Date().toISOString(),
    });
    await deadLetter('auth.password.reset', reset);
    await replayOne(a.eventId);

    const res = await svc.call('POST', '/api/v1/admin/events/dead-letters/replay', {
      token: admin,
      body: { receivedFrom: new Date(Date.now() - 60_000).toISOString(), limit: 500 },
    });
    expect(res.status).toBe(200);
    expect(res.body.replayed).toContain(b.eventId);
    expect(res.body.replayed).not.toContain(a.eventId);
    expect(res.body.skipped).toContainEqual({
      eventId: reset.eventId,
      reason: expect.stringContaining('redacted'),
    });
    expect(await outboxed('payment.completed', b.eventId)).toHaveLength(1);
    expect(await svc.outbox('auth.password.reset')).toEqual([]);
  });

  it('refuses a buyer, an unknown dead letter and a bad filter', async () => {
    expect((await replayOne(randomUUID(), await tokenFor('b-1', 'buyer'))).status).toBe(403);
    expect((await replayOne(randomUUID())).body.code).toBe('DEAD_LETTER_NOT_FOUND');
    const bad = await svc.call('POST', '/api/v1/admin/events/dead-letters/replay', {
      token: admin,
      body: { limit: 10_000 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('limit');
  });
});
