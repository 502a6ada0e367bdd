import { type App, z } from '@mp/platform';
import { settleAttempt } from './attempt.ts';
import { SANDBOX_BASE, type SandboxKit } from './kit.ts';
import { DEFAULT_TEST_CARD, testCard } from './test-cards.ts';
import { kst, newAuthKey, newBillingKey, readyPayment, tossErrors } from './toss-shape.ts';

const customerKey = z.string().regex(/^[A-Za-z0-9_=.@-]{2,50}$/, '2–50 of A-Z a-z 0-9 - _ = . @');
const billingAuthBody = z.object({
  customerKey,
  cardNumber: z
    .string()
    .regex(/^\d{14,16}$/, '14–16 digits')
    .default(DEFAULT_TEST_CARD),
});
const issueBody = z.object({ authKey: z.string().min(1), customerKey });
const chargeBody = z.object({
  customerKey,
  amount: z.int().min(100),
  orderId: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, '6–64 of A-Z a-z 0-9 - _'),
  orderName: z.string().min(1).max(100),
});

/** How long the window's authKey may be exchanged for a billing key. */
const AUTH_KEY_TTL_MS = 10 * 60_000;

/**
 * Toss's 자동결제 (billing) as the sandbox serves it: the card registration window
 * (requestBillingAuth, which redirects with authKey and customerKey), 빌링키 발급, 자동결제
 * 승인 and 빌링키 삭제. A charge is a payment like any other (look-up, cancel, webhooks).
 */
export function billingRoutes(app: App, k: SandboxKit) {
  const { authorized, fail, db, body, idempotently } = k;

  // The card registration window: the buyer types a card (a test card, test-cards.ts).
  app.post(`${SANDBOX_BASE}/window/billing-auth`, async (c) => {
    const b = await body(c, billingAuthBody);
    if (!b.ok) return fail(c, b.error);
    const row = await (await db())
      .insertInto('pg_sandbox_billing_auths')
      .values({
        auth_key: newAuthKey(),
        customer_key: b.data.customerKey,
        card_number: b.data.cardNumber,
        created_at: new Date(),
        used_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return c.json({ authKey: row.auth_key, customerKey: row.customer_key }, 201);
  });

  // 빌링키 발급
  app.post(`${SANDBOX_BASE}/v1/billing/authorizations/issue`, async (c) => {
    if (!authorized(c)) return fail(c, tossErrors.unauthorized);
    const b = await body(c, issueBody);
    if (!b.ok) return fail(c, b.error);
    return idempotently(c, async () => {
      const s = await db();
      const auth = await s
        .selectFrom('pg_sandbox_billing_auths')
        .selectAll()
        .where('auth_key', '=', b.data.authKey)
        .executeTakeFirst();
      if (!auth || auth.used_at || auth.created_at.getTime() < Date.now() - AUTH_KEY_TTL_MS)
        return fail(c, tossErrors.invalidBillKeyRequest);
      if (auth.customer_key !== b.data.customerKey) return fail(c, tossErrors.notMatchesCustomerKey);
      const used = await s
        .updateTable('pg_sandbox_billing_auths')
        .set({ used_at: new Date() })
        .where('auth_key', '=', auth.auth_key)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (!used.numUpdatedRows) return fail(c, tossErrors.invalidBillKeyRequest);
      const card = testCard(auth.card_number);
      const key = await s
        .insertInto('pg_sandbox_billing_keys')
        .values({
          billing_key: newBillingKey(),
          customer_key: auth.customer_key,
          card_number: auth.card_number,
          issuer_code: card.issuerCode,
          card_type: card.cardType,
          owner_type: card.ownerType,
          scenario: card.scenario,
          authenticated_at: new Date(),
          deleted_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return c.json(
        {
          mId: 'tmarketplace',
          customerKey: key.customer_key,
          authenticatedAt: kst(key.authenticated_at),
          method: '카드',
          billingKey: key.billing_key,
          cardCompany: key.issuer_code,
          cardNumber: card.masked,
          card: {
            issuerCode: key.issuer_code,
            acquirerCode: key.issuer_code,
            number: card.masked,
            cardType: key.card_type,
            ownerType: key.owner_type,
          },
        },
        200,
      );
    });
  });

  // 자동결제 승인
  app.post(`${SANDBOX_BASE}/v1/billing/:billingKey`, async (c) => {
    if (!authorized(c)) return fail(c, tossErrors.unauthorized);
    const b = await body(c, chargeBody);
    if (!b.ok) return fail(c, b.error);
    return idempotently(c, async () => {
      const s = await db();
      const key = await s
        .selectFrom('pg_sandbox_billing_keys')
        .selectAll()
        .where('billing_key', '=', c.req.param('billingKey'))
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (!key) return fail(c, tossErrors.billingNotFound);
      if (key.customer_key !== b.data.customerKey) return fail(c, tossErrors.notMatchesCustomerKey);
      const existing = await s
        .selectFrom('pg_sandbox_payments')
        .selectAll()
        .where('order_id', '=', b.data.orderId)
        .executeTakeFirst();
      if (existing && !['READY', 'ABORTED', 'EXPIRED'].includes(existing.status))
        return fail(c, tossErrors.duplicatedOrderId);
      // A retried charge of the same card (after a PG error) is the same payment; anything else starts afresh.
      const again = existing?.status === 'READY' && existing.billing_key === key.billing_key;
      if (existing && !again)
        await s.deleteFrom('pg_sandbox_payments').where('order_id', '=', b.data.orderId).execute();
      const card = testCard(key.card_number);
      const row = again
        ? await s
            .updateTable('pg_sandbox_payments')
            .set((eb) => ({
              confirms: eb('confirms', '+', 1),
              amount: b.data.amount,
              balance_amount: b.data.amount,
            }))
            .where('order_id', '=', b.data.orderId)
            .returningAll()
            .executeTakeFirstOrThrow()
        : await s
            .insertInto('pg_sandbox_payments')
            .values(
              readyPayment({
                orderId: b.data.orderId,
                orderName: b.data.orderName,
                method: 'card',
                amount: b.data.amount,
                scenario: key.scenario,
                confirms: 1,
                billingKey: key.billing_key,
                card: JSON.stringify({
                  issuerCode: key.issuer_code,
                  acquirerCode: key.issuer_code,
                  number: card.masked,
                  cardType: key.card_type,
                  ownerType: key.owner_type,
                }),
              }),
            )
            .returningAll()
            .executeTakeFirstOrThrow();
      return settleAttempt(c, k, s, row);
    });
  });

  // 빌링키 삭제: 200 with an empty body.
  app.delete(`${SANDBOX_BASE}/v1/billing/:billingKey`, async (c) => {
    if (!authorized(c)) return fail(c, tossErrors.unauthorized);
    const removed = await (await db())
      .updateTable('pg_sandbox_billing_keys')
      .set({ deleted_at: new Date() })
      .where('billing_key', '=', c.req.param('billingKey'))
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!removed.numUpdatedRows) return fail(c, tossErrors.billingNotFound);
    return c.body(null, 200);
  });
}
