import { randomUUID } from 'node:crypto';
import { tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { basic, paymentForFile } from './helpers.ts';
import { authorizeCard, type Buyer, customerKeyOf, saveCard } from './methods-helpers.ts';

const svc = paymentForFile();

const newBuyer = async (): Promise<Buyer> => {
  const userId = randomUUID();
  return { userId, token: await tokenFor(userId, 'buyer') };
};
const methodsOf = async (who: Buyer) =>
  (await svc.call('GET', '/api/v1/payments/methods', { token: who.token })).body.items as {
    id: string;
    isDefault: boolean;
    nickname: string | null;
    card: Record<string, unknown>;
  }[];

describe('the customerKey (Toss 구매자 ID)', () => {
  it('is derived from the user, stable, unguessable from the id, and within Toss rules', async () => {
    const a = await newBuyer();
    const key = await customerKeyOf(svc, a);
    expect(key).toMatch(/^[A-Za-z0-9_=.@-]{2,50}$/);
    expect(key).not.toContain(a.userId);
    expect(await customerKeyOf(svc, a)).toBe(key);
    expect(await customerKeyOf(svc, await newBuyer())).not.toBe(key);
  });
});

describe('registering a card (카드 등록)', () => {
  it('saves the card with its masked number, issuer and type; never the billing key', async () => {
    const me = await newBuyer();
    const saved = await saveCard(svc, me, '4330123412345678');
    expect(saved).toMatchObject({
      kind: 'card',
      card: {
        issuerCode: '41',
        issuer: '신한',
        number: '43301234****567*',
        cardType: '신용',
        ownerType: '개인',
      },
      nickname: null,
      isDefault: true,
    });
    const row = await svc.deps.db
      .selectFrom('payment_methods')
      .selectAll()
      .where('id', '=', saved.id)
      .executeTakeFirstOrThrow();
    const billingKey = svc.ctx.methods.unseal(row.billing_key_sealed!);
    expect(row.billing_key_sealed).not.toContain(billingKey);
    const everything = JSON.stringify([saved, await methodsOf(me)]);
    expect(everything).not.toContain(billingKey);
    expect(everything).not.toContain(row.customer_key);
  });

  it('saves a registration once when it is sent again (the PG replays the billing key)', async () => {
    const me = await newBuyer();
    const customerKey = await customerKeyOf(svc, me);
    const authKey = await authorizeCard(svc, customerKey);
    const send = () =>
      svc.call('POST', '/api/v1/payments/methods', { token: me.token, body: { authKey, customerKey } });
    const first = await send();
    const again = await send();
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
    expect(await methodsOf(me)).toHaveLength(1);
  });

  it("refuses another buyer's customerKey before asking the PG", async () => {
    const me = await newBuyer();
    const victim = await newBuyer();
    const theirs = await customerKeyOf(svc, victim);
    const authKey = await authorizeCard(svc, theirs);
    const res = await svc.call('POST', '/api/v1/payments/methods', {
      token: me.token,
      body: { authKey, customerKey: theirs },
    });
    expect([res.status, res.body.code, res.body.errors[0].path]).toEqual([
      403,
      'CUSTOMER_KEY_NOT_YOURS',
      'customerKey',
    ]);
    // The authKey was not spent: its owner can still save the card.
    const ok = await svc.call('POST', '/api/v1/payments/methods', {
      token: victim.token,
      body: { authKey, customerKey: theirs },
    });
    expect(ok.status).toBe(201);
    expect(await methodsOf(me)).toEqual([]);
  });

  it('answers an unknown or spent authKey with 422 naming authKey', async () => {
    const me = await newBuyer();
    const customerKey = await customerKeyOf(svc, me);
    const res = await svc.call('POST', '/api/v1/payments/methods', {
      token: me.token,
      body: { authKey: 'bln_no_such_auth', customerKey },
    });
    expect([res.status, res.body.code, res.body.pgCode, res.body.errors[0].path]).toEqual([
      422,
      'BILLING_AUTH_INVALID',
      'INVALID_BILL_KEY_REQUEST',
      'authKey',
    ]);
  });

  it('names every bad field, and is for buyers', async () => {
    const me = await newBuyer();
    const res = await svc.call('POST', '/api/v1/payments/methods', {
      token: me.token,
      body: { authKey: '', customerKey: 'x' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['authKey', 'customerKey']);
    const seller = await tokenFor(randomUUID(), 'seller');
    expect((await svc.call('GET', '/api/v1/payments/methods', { token: seller })).status).toBe(403);
    expect((await svc.call('GET', '/api/v1/payments/methods')).status).toBe(401);
  });
});

describe('managing saved methods (결제 수단 관리)', () => {
  it('lists mine only, the default first; renames; makes another the default', async () => {
    const me = await newBuyer();
    const first = await saveCard(svc, me, '5365100012340000');
    const second = await saveCard(svc, me, '9410123412349999');
    expect(second.isDefault).toBe(false);
    expect((await methodsOf(me)).map((m) => m.id)).toEqual([first.id, second.id]);
    expect(await methodsOf(await newBuyer())).toEqual([]);

    const renamed = await svc.call('PATCH', `/api/v1/payments/methods/${second.id}`, {
      token: me.token,
      body: { nickname: '생활비 카드', isDefault: true },
    });
    expect(renamed.body).toMatchObject({ nickname: '생활비 카드', isDefault: true, card: { issuer: 'BC' } });
    const listed = await methodsOf(me);
    expect(listed.map((m) => [m.id, m.isDefault])).toEqual([
      [second.id, true],
      [first.id, false],
    ]);
    const cleared = await svc.call('PATCH', `/api/v1/payments/methods/${second.id}`, {
      token: me.token,
      body: { nickname: null },
    });
    expect(cleared.body).toMatchObject({ nickname: null, isDefault: true });
  });

  it('keeps one default whatever races: two cards made default at once', async () => {
    const me = await newBuyer();
    const cards = [await saveCard(svc, me), await saveCard(svc, me), await saveCard(svc, me)];
    await Promise.all(
      cards.map((c) =>
        svc.call('PATCH', `/api/v1/payments/methods/${c.id}`, { token: me.token, body: { isDefault: true } }),
      ),
    );
    expect((await methodsOf(me)).filter((m) => m.isDefault)).toHaveLength(1);
  });

  it('makes exactly one of two cards registered at once the default', async () => {
    const me = await newBuyer();
    const customerKey = await customerKeyOf(svc, me);
    const authKeys = [await authorizeCard(svc, customerKey), await authorizeCard(svc, customerKey)];
    const results = await Promise.all(
      authKeys.map((authKey) =>
        svc.call('POST', '/api/v1/payments/methods', { token: me.token, body: { authKey, customerKey } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201]);
    const listed = await methodsOf(me);
    expect(listed).toHaveLength(2);
    expect(listed.filter((m) => m.isDefault)).toHaveLength(1);
  });

  it('removes a card: ours at once, the billing key at the PG; the next card becomes the default', async () => {
    const me = await newBuyer();
    const older = await saveCard(svc, me);
    const newer = await saveCard(svc, me);
    const row = await svc.deps.db
      .selectFrom('payment_methods')
      .selectAll()
      .where('id', '=', older.id)
      .executeTakeFirstOrThrow();
    const billingKey = svc.ctx.methods.unseal(row.billing_key_sealed!);
    const res = await svc.call('DELETE', `/api/v1/payments/methods/${older.id}`, { token: me.token });
    expect(res.status).toBe(204);
    expect((await methodsOf(me)).map((m) => [m.id, m.isDefault])).toEqual([[newer.id, true]]);
    const after = await svc.deps.db
      .selectFrom('payment_methods')
      .selectAll()
      .where('id', '=', older.id)
      .executeTakeFirstOrThrow();
    expect(after.billing_key_sealed).toBeNull();
    expect(after.pg_removed_at).not.toBeNull();
    // The PG no longer charges the key.
    const charge = await svc.call('POST', `/sandbox/pg/v1/billing/${billingKey}`, {
      headers: { authorization: basic },
      body: { customerKey: row.customer_key, amount: 1000, orderId: randomUUID(), orderName: '주문' },
    });
    expect([charge.status, charge.body.code]).toEqual([404, 'NOT_FOUND_BILLING']);
    const again = await svc.call('DELETE', `/api/v1/payments/methods/${older.id}`, { token: me.token });
    expect([again.status, again.body.code]).toEqual([404, 'PAYMENT_METHOD_NOT_FOUND']);
  });

  it("answers another buyer's method, and ids that are not ours, as not found", async () => {
    const owner = await newBuyer();
    const card = await saveCard(svc, owner);
    const stranger = await newBuyer();
    const patch = await svc.call('PATCH', `/api/v1/payments/methods/${card.id}`, {
      token: stranger.token,
      body: { nickname: '내 카드' },
    });
    expect([patch.status, patch.body.code]).toEqual([404, 'PAYMENT_METHOD_NOT_FOUND']);
    const del = await svc.call('DELETE', `/api/v1/payments/methods/${card.id}`, { token: stranger.token });
    expect(del.status).toBe(404);
    expect(
      (await svc.call('DELETE', '/api/v1/payments/methods/not-an-id', { token: owner.token })).status,
    ).toBe(404);
    expect((await methodsOf(owner))[0]).toMatchObject({ id: card.id, nickname: null });
  });

  it('names bad fields of a change', async () => {
    const me = await newBuyer();
    const card = await saveCard(svc, me);
    const bad = await svc.call('PATCH', `/api/v1/payments/methods/${card.id}`, {
      token: me.token,
      body: { nickname: 'x'.repeat(31), isDefault: false },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['isDefault', 'nickname']);
    const empty = await svc.call('PATCH', `/api/v1/payments/methods/${card.id}`, {
      token: me.token,
      body: {},
    });
    expect([empty.status, empty.body.errors[0].path]).toEqual([400, 'nickname']);
  });
});
