/**
 * A delivered batch (Dapr's bulk subscribe hands notification up to 100 events at once): its
 * recipients are looked up together before the transaction, each message still goes out once.
 */
import { randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import { TEST_APP_TOKEN } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import {
  account,
  deliverBatch,
  deliveriesOf,
  mobile,
  notificationForFile,
  paymentCompleted,
} from './helpers.ts';

const svc = notificationForFile();

const paid = (userId: string) =>
  buildEvent('payment', 'test', 'payment.completed', paymentCompleted(userId), { userId });
const mailsTo = (email: string) => svc.dapr.bindings.filter((b) => b.metadata.emailTo === email);
const history = async (who: { token: () => Promise<string> }) =>
  (await svc.call('GET', '/api/v1/notifications', { token: await who.token() })).body.items;
const sentFor = async (sourceEventId: string) =>
  (await svc.outbox('notification.sent')).filter((e) => e.data.sourceEventId === sourceEventId);

describe('a delivered batch', () => {
  it('looks all its recipients up in one call to user and tells each of them once', async () => {
    const people = [account(svc, mobile().written), account(svc, mobile().written), account(svc, null)];
    const events = people.map((p) => paid(p.id));
    svc.userCalls.length = 0;
    expect(await deliverBatch(svc, 'payment.completed', events)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(svc.userCalls).toEqual(['batch']);
    for (const [i, p] of people.entries()) {
      expect(mailsTo(p.email)).toHaveLength(1);
      expect(await history(p)).toHaveLength(1);
      expect(await sentFor(events[i]!.eventId)).toHaveLength(1);
    }
    // The account without a mobile number: its text is written once, already skipped, and the
    // history says so; the dispatcher never sees it.
    const [skipped] = await deliveriesOf(svc, events[2]!.eventId);
    expect(skipped).toMatchObject({
      channel: 'SMS',
      status: 'SKIPPED',
      reason: 'no mobile number',
      attempts: 0,
    });
    expect((await history(people[2]!))[0].deliveries).toEqual([
      expect.objectContaining({ channel: 'EMAIL', status: 'SENT' }),
      expect.objectContaining({ channel: 'SMS', status: 'SKIPPED', reason: 'no mobile number' }),
    ]);
    expect((await deliveriesOf(svc, events[0]!.eventId)).map((d) => [d.channel, d.status])).toEqual([
      ['SMS', 'PENDING'],
    ]);
  });

  it('writes its in-app entries with one read and one state transaction; redelivered, adds none', async () => {
    const [kim, lee] = [account(svc), account(svc)];
    // Each has a history already (their first entries are written alone, only if still absent).
    await deliverBatch(svc, 'payment.completed', [paid(kim.id), paid(lee.id)]);
    const reads: string[][] = [];
    const writes: string[][] = [];
    const { getStates, saveState, saveStates } = svc.dapr;
    svc.dapr.getStates = async <T>(store: string, keys: string[]) => {
      if (store === 'notifications') reads.push(keys);
      return getStates.call<typeof svc.dapr, [string, string[]], ReturnType<typeof getStates<T>>>(
        svc.dapr,
        store,
        keys,
      );
    };
    svc.dapr.saveState = async (store, key, ...rest) => {
      if (store === 'notifications') writes.push([key]);
      return saveState.call(svc.dapr, store, key, ...rest);
    };
    svc.dapr.saveStates = async (store, w) => {
      if (store === 'notifications') writes.push(w.map((x) => x.key));
      return saveStates.call(svc.dapr, store, w);
    };
    try {
      // kim paid twice, lee once: three messages, two histories.
      const events = [paid(kim.id), paid(lee.id), paid(kim.id)];
      expect(await deliverBatch(svc, 'payment.completed', events)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
      expect(reads).toEqual([[`notifications:${kim.id}`, `notifications:${lee.id}`]]);
      expect(writes).toEqual([[`notifications:${kim.id}`, `notifications:${lee.id}`]]);
      expect(await history(kim)).toHaveLength(3);
      expect(await history(lee)).toHaveLength(2);
      // Dapr delivers the batch again: duplicates, nothing read or written.
      expect(await deliverBatch(svc, 'payment.completed', events)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
      expect(writes).toHaveLength(1);
      expect(await history(kim)).toHaveLength(3);
    } finally {
      Object.assign(svc.dapr, { getStates, saveState, saveStates });
    }
  });

  it('answers RETRY only for the events whose look-up failed; the rest commit', async () => {
    const kim = account(svc);
    // Email and texts off: nothing of park's message needs the account.
    const park = account(svc);
    const off = { orders: false, shipping: false, seller: false, marketing: false };
    const put = await svc.call('PUT', '/api/v1/notifications/settings', {
      token: await park.token(),
      body: {
        channels: { email: false, inApp: true },
        categories: { orders: true, shipping: true, seller: true, marketing: false },
        push: off,
        sms: off,
      },
    });
    expect(put.status).toBe(200);
    const events = [paid(kim.id), paid(park.id)];
    svc.userDown.value = true;
    try {
      expect(await deliverBatch(svc, 'payment.completed', events)).toEqual(['RETRY', 'SUCCESS']);
    } finally {
      svc.userDown.value = false;
    }
    expect(mailsTo(kim.email)).toEqual([]);
    expect(await history(park)).toHaveLength(1);
    // Dapr delivers the batch again: kim is told now, park not twice.
    expect(await deliverBatch(svc, 'payment.completed', events)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(mailsTo(kim.email)).toHaveLength(1);
    expect(await history(park)).toHaveLength(1);
    expect(await sentFor(events[1]!.eventId)).toHaveLength(1);
  });

  it('mails nobody twice when one email fails: the batch runs again event by event, then redelivered', async () => {
    const [kim, lee, choi] = [account(svc), account(svc), account(svc)];
    const events = [paid(kim.id), paid(lee.id), paid(choi.id)];
    // lee's mail fails once: the batch's transaction rolls back after kim's mail went out, and each
    // event runs again on its own.
    svc.failMailTo.add(lee.email);
    expect(await deliverBatch(svc, 'payment.completed', events)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    for (const p of [kim, lee, choi]) expect(mailsTo(p.email)).toHaveLength(1);
    expect(await deliverBatch(svc, 'payment.completed', events)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    for (const [i, p] of [kim, lee, choi].entries()) {
      expect(mailsTo(p.email)).toHaveLength(1);
      expect(await history(p)).toHaveLength(1);
      expect(await sentFor(events[i]!.eventId)).toHaveLength(1);
    }
  });

  it("sends a batch's emails side by side, and a redelivery mails nobody again", async () => {
    const people = [account(svc), account(svc), account(svc), account(svc)];
    const events = people.map((p) => paid(p.id));
    Object.assign(svc.mailing, { delayMs: 30, mostAtOnce: 0 });
    try {
      expect(await deliverBatch(svc, 'payment.completed', events)).toEqual(events.map(() => 'SUCCESS'));
    } finally {
      svc.mailing.delayMs = 0;
    }
    expect(svc.mailing.mostAtOnce).toBe(people.length);
    expect(await deliverBatch(svc, 'payment.completed', events)).toEqual(events.map(() => 'SUCCESS'));
    for (const [i, p] of people.entries()) {
      expect(mailsTo(p.email)).toHaveLength(1);
      expect(await history(p)).toHaveLength(1);
      expect(await sentFor(events[i]!.eventId)).toHaveLength(1);
    }
  });

  it('uses the wording active when the batch is handled; a change reaches the next batch', async () => {
    const put = (subject: string) =>
      svc.call('PUT', '/internal/templates/payment-completed/EMAIL', {
        body: { adminId: randomUUID(), subject, html: '<p>{{orderId}}</p>' },
        headers: { 'dapr-api-token': TEST_APP_TOKEN },
      });
    expect((await put('[첫 문구] {{amount}}')).status).toBe(200);
    const [kim, lee] = [account(svc), account(svc)];
    await deliverBatch(svc, 'payment.completed', [paid(kim.id), paid(lee.id)]);
    expect((await put('[둘째 문구] {{amount}}')).status).toBe(200);
    await deliverBatch(svc, 'payment.completed', [paid(kim.id), paid(lee.id)]);
    for (const p of [kim, lee])
      expect(mailsTo(p.email).map((m) => m.metadata.subject)).toEqual([
        '[첫 문구] 45,000원',
        '[둘째 문구] 45,000원',
      ]);
    await svc.call('POST', '/internal/templates/payment-completed/EMAIL/disable', {
      body: { adminId: randomUUID() },
      headers: { 'dapr-api-token': TEST_APP_TOKEN },
    });
  });
});
