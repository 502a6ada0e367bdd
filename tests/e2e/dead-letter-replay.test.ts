/**
 * Dead-letter replay end to end: a refund for an order that does not exist is dropped by order
 * (a permanent failure) and reaches the dead-letter topic; an admin replays it, it is published again
 * as it was (the monitor counts a second delivery of the same event id), and a second replay does
 * nothing.
 */
import { randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, eventually, monitored, publishThroughSidecar } from './lib.ts';

let admin: string;
beforeAll(async () => {
  admin = await adminToken();
});

const deadLetterOf = async (eventId: string) =>
  (await api('GET', `/api/v1/admin/events?deadLetter=true&eventId=${eventId}`, { token: admin })).body
    .items[0] as { replayedAt: string | null; deliveries: number } | undefined;

describe('dead-letter replay', () => {
  it('replays a dead letter once', async () => {
    const correlationId = `e2e-replay-${randomUUID()}`;
    const event = buildEvent(
      'payment',
      'local',
      'payment.refunded',
      {
        refundId: randomUUID(),
        paymentId: randomUUID(),
        orderId: randomUUID(),
        amount: 1_000,
        reason: 'e2e: an order that does not exist',
        refundedAt: new Date().toISOString(),
      },
      { correlationId },
    );
    await publishThroughSidecar('payment', 'payment.refunded', event);
    const dead = await eventually(
      () => deadLetterOf(event.eventId),
      60_000,
      'the dead letter in the monitor',
    );
    expect(dead.replayedAt).toBeNull();

    const first = await api('POST', `/api/v1/admin/events/dead-letters/${event.eventId}/replay`, {
      token: admin,
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ replayed: [event.eventId], skipped: [] });
    const second = await api('POST', `/api/v1/admin/events/dead-letters/${event.eventId}/replay`, {
      token: admin,
    });
    expect(second.body).toEqual({ replayed: [], skipped: [] });
    const filtered = await api('POST', '/api/v1/admin/events/dead-letters/replay', {
      token: admin,
      body: { topic: 'payment.refunded', receivedFrom: new Date(Date.now() - 600_000).toISOString() },
    });
    expect(filtered.body.replayed).not.toContain(event.eventId);

    // Published again as it was: the same event id reaches its subscribers (and the monitor) a second time.
    const again = await eventually(
      async () => {
        const [row] = await monitored(admin, { eventId: event.eventId, deadLetter: 'false' });
        return row && row.deliveries >= 2 ? row : undefined;
      },
      60_000,
      'the replayed event delivered again',
    );
    expect(again.correlationId).toBe(correlationId);
    expect((await deadLetterOf(event.eventId))!.replayedAt).toEqual(expect.any(String));
  });
});
