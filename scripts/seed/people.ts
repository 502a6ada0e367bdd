/** Sellers with approved stores, and buyers: found by their fixed emails, signed up when missing. */
import { call, login, must, password, pool } from './api.ts';
import { businessNumber, buyers as buyerPlan, sellers as sellerPlan } from './data.ts';

export interface Party {
  id: string;
  token: string;
  email: string;
}

/**
 * Logs in, or signs up first when the email is new (401); `created` says which. A busy auth (429,
 * 503, or 504 when the user service's password check is slow on a loaded machine) is asked again,
 * never taken for a new email.
 */
async function account(email: string, name: string, role: 'buyer' | 'seller') {
  let first = await call('POST', '/api/v1/auth/login', { body: { email, password } });
  for (let attempt = 1; [429, 502, 503, 504].includes(first.status) && attempt < 10; attempt++) {
    await new Promise((r) => setTimeout(r, 500 * attempt));
    first = await call('POST', '/api/v1/auth/login', { body: { email, password } });
  }
  if (first.status !== 200 && first.status !== 401)
    throw new Error(`POST /api/v1/auth/login as ${email}: ${first.status} ${JSON.stringify(first.body)}`);
  if (first.status === 200) {
    const me = await must('GET', '/api/v1/users/me', { token: first.body.accessToken });
    return { id: me.id as string, token: first.body.accessToken as string, email, created: false };
  }
  const user = await must('POST', '/api/v1/users', { body: { email, password, name, role } }, [201]);
  return { id: user.id as string, token: await login(email, password), email, created: true };
}

export async function sellers(admin: string) {
  let created = 0;
  let approved = 0;
  // Sign-ups hash passwords: a few at a time.
  const out = await pool(sellerPlan, 3, async (s) => {
    const who = await account(s.email, s.representative, 'seller');
    if (who.created) created++;
    const mine = await call('GET', '/api/v1/sellers/me', { token: who.token });
    let status = mine.status === 200 ? (mine.body.status as string) : undefined;
    if (!status) {
      const applied = await must(
        'POST',
        '/api/v1/sellers',
        {
          token: who.token,
          body: {
            storeName: s.store,
            businessNumber: businessNumber(s.index),
            representative: s.representative,
            mailOrderNumber: `2025-서울강남-0${1000 + s.index}`,
          },
        },
        [201],
      );
      status = applied.status as string;
    }
    if (status === 'PENDING') {
      await must('POST', `/api/v1/admin/sellers/${who.id}/approve`, { token: admin });
      approved++;
    }
    return { id: who.id, token: who.token, email: who.email } satisfies Party;
  });
  return { sellers: out, created, approved };
}

export async function buyers() {
  let created = 0;
  const out = await pool(buyerPlan, 4, async (b) => {
    const who = await account(b.email, b.name, 'buyer');
    if (who.created) created++;
    return { id: who.id, token: who.token, email: who.email } satisfies Party;
  });
  return { buyers: out, created };
}
