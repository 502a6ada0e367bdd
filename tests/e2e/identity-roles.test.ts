/**
 * The role matrix of the identity services: every public route of auth, user, seller and
 * notification, and admin's user, seller and notification-template routes, called as anonymous, a buyer, a seller,
 * another seller and an admin, through the gateway. Each answer is the designed one; a route the
 * services document but this table lacks fails the test.
 */
import { randomUUID } from 'node:crypto';
import type { ServiceName } from '@mp/contracts';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { account, PASSWORD } from './identity-lib.ts';
import { adminToken, api, eventually, login, portsOf, type Reply, uniqueEmail } from './lib.ts';

/** The matrix's address rows: the local admin account persists across runs, its addresses with it. */
const MATRIX_ADDRESS = '서울시 중구 세종대로 110';

type Actor = 'anonymous' | 'buyer' | 'seller' | 'otherSeller' | 'admin';
/** The owner of per-user resources goes last, after the others have tried to touch them. */
const actors: Actor[] = ['anonymous', 'buyer', 'otherSeller', 'admin', 'seller'];

interface Who {
  id?: string;
  email?: string;
  token?: string;
}
interface World {
  who: Record<Actor, Who>;
  sellerAddressId: string;
  sellerSessionId: string;
  sellerNotificationId: string;
  sellerDeviceToken: string;
}

interface Row {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** As the OpenAPI document names it. */
  path: string;
  expect: Record<Actor, number | number[]>;
  /** The concrete call; by default `path` as is, with the actor's token and `body`. */
  url?: (w: World, a: Actor) => string | Promise<string>;
  body?: (w: World, a: Actor) => unknown;
  /** Routes that end the caller's session or account get a fresh one (a new session for admin). */
  fresh?: boolean;
}

const all = (s: number | number[]): Record<Actor, number | number[]> => ({
  anonymous: s,
  buyer: s,
  seller: s,
  otherSeller: s,
  admin: s,
});
const signedIn = (s: number | number[], anonymous = 401) => ({ ...all(s), anonymous });
const sellersOnly = (s: number | number[]) => ({
  anonymous: 401,
  buyer: 403,
  seller: s,
  otherSeller: s,
  admin: 403,
});
const adminOnly = (s: number | number[]) => ({
  anonymous: 401,
  buyer: 403,
  seller: 403,
  otherSeller: 403,
  admin: s,
});
/** The seller's own resource: others get 404, never 403, so ids cannot be probed. */
const sellersOwn = (s: number) => ({ anonymous: 401, buyer: 404, seller: s, otherSeller: 404, admin: 404 });
// Wishlist and recent views check the product through product; until product answers, ids are taken as given.
const productChecked = (s: number) => [s, 404];

const table: Row[] = [
  // auth
  { method: 'GET', path: '/.well-known/jwks.json', expect: all(200) },
  {
    method: 'POST',
    path: '/api/v1/auth/login',
    expect: all(401),
    body: () => ({ email: uniqueEmail('nobody'), password: 'wrong password' }),
  },
  {
    method: 'POST',
    path: '/api/v1/auth/login/otp',
    expect: all(401),
    body: () => ({ loginTicket: 'not-a-ticket', otp: '123456' }),
  },
  {
    method: 'POST',
    path: '/api/v1/auth/refresh',
    expect: all(401),
    body: () => ({ refreshToken: 'not-a-token' }),
  },
  { method: 'POST', path: '/api/v1/auth/logout', expect: signedIn(204), fresh: true },
  { method: 'GET', path: '/api/v1/auth/sessions', expect: signedIn(200) },
  {
    method: 'DELETE',
    path: '/api/v1/auth/sessions/{id}',
    expect: sellersOwn(204),
    url: (w) => `/api/v1/auth/sessions/${w.sellerSessionId}`,
  },
  { method: 'GET', path: '/api/v1/auth/2fa', expect: signedIn(200) },
  { method: 'POST', path: '/api/v1/auth/2fa/setup', expect: signedIn(200) },
  { method: 'POST', path: '/api/v1/auth/2fa/enable', expect: signedIn(422), body: () => ({ otp: '000000' }) },
  {
    method: 'POST',
    path: '/api/v1/auth/2fa/disable',
    expect: signedIn(409),
    body: () => ({ otp: '000000' }),
  },
  {
    method: 'POST',
    path: '/api/v1/auth/2fa/recovery-codes',
    expect: signedIn(409),
    body: () => ({ otp: '000000' }),
  },
  {
    method: 'POST',
    path: '/api/v1/auth/password-reset',
    expect: all(202),
    body: () => ({ email: uniqueEmail('nobody') }),
  },
  {
    method: 'POST',
    path: '/api/v1/auth/password-reset/confirm',
    expect: all(400),
    body: () => ({ token: 'not-a-token', newPassword: 'brand new horse' }),
  },
  {
    method: 'POST',
    path: '/api/v1/auth/email-verification',
    // New accounts get a new link; the local admin's email is proven already.
    expect: { ...signedIn(202), admin: 409 },
  },
  {
    method: 'POST',
    path: '/api/v1/auth/email-verification/confirm',
    expect: all(400),
    body: () => ({ token: 'not-a-token' }),
  },
  { method: 'GET', path: '/api/v1/auth/oauth/providers', expect: all(200) },
  {
    method: 'GET',
    path: '/api/v1/auth/oauth/{provider}/authorize',
    expect: all(302),
    url: () => '/api/v1/auth/oauth/kakao/authorize',
  },
  {
    method: 'GET',
    path: '/api/v1/auth/oauth/{provider}/callback',
    expect: all(400),
    url: () => '/api/v1/auth/oauth/kakao/callback?state=forged&code=x',
  },
  // user
  {
    method: 'POST',
    path: '/api/v1/users',
    expect: all(201),
    body: () => ({ email: uniqueEmail('signup'), password: PASSWORD, name: '새 회원' }),
  },
  { method: 'GET', path: '/api/v1/users/me', expect: signedIn(200) },
  {
    method: 'PATCH',
    path: '/api/v1/users/me',
    expect: signedIn(200),
    body: () => ({ marketingConsent: true }),
  },
  {
    method: 'PUT',
    path: '/api/v1/users/me/password',
    expect: signedIn(422),
    body: () => ({ currentPassword: 'not my password', newPassword: 'brand new horse' }),
  },
  { method: 'GET', path: '/api/v1/users/me/grade', expect: signedIn(200) },
  { method: 'GET', path: '/api/v1/users/me/addresses', expect: signedIn(200) },
  {
    method: 'POST',
    path: '/api/v1/users/me/addresses',
    expect: signedIn(201),
    body: () => ({
      recipient: '김철수',
      phone: '010-1234-5678',
      address: MATRIX_ADDRESS,
      zipCode: '04524',
    }),
  },
  {
    method: 'PATCH',
    path: '/api/v1/users/me/addresses/{id}',
    expect: sellersOwn(200),
    url: (w) => `/api/v1/users/me/addresses/${w.sellerAddressId}`,
    body: () => ({ recipient: '바꾼 이름' }),
  },
  {
    method: 'DELETE',
    path: '/api/v1/users/me/addresses/{id}',
    expect: sellersOwn(204),
    url: (w) => `/api/v1/users/me/addresses/${w.sellerAddressId}`,
  },
  { method: 'GET', path: '/api/v1/users/me/wishlist', expect: signedIn(200) },
  {
    method: 'POST',
    path: '/api/v1/users/me/wishlist',
    expect: signedIn(productChecked(201)),
    body: () => ({ productId: 'matrix-product' }),
  },
  {
    method: 'DELETE',
    path: '/api/v1/users/me/wishlist/{productId}',
    expect: signedIn(productChecked(204)),
    url: () => '/api/v1/users/me/wishlist/matrix-product',
  },
  { method: 'GET', path: '/api/v1/users/me/recent-views', expect: signedIn(200) },
  {
    method: 'POST',
    path: '/api/v1/users/me/recent-views',
    expect: signedIn(productChecked(204)),
    body: () => ({ productId: 'matrix-product' }),
  },
  { method: 'DELETE', path: '/api/v1/users/me/recent-views', expect: signedIn(204) },
  {
    method: 'DELETE',
    path: '/api/v1/users/me',
    expect: { anonymous: 401, buyer: 204, seller: 204, otherSeller: 204, admin: 403 },
    fresh: true,
    // Re-authentication: the account's current password.
    body: () => ({ currentPassword: PASSWORD }),
  },
  // seller
  {
    method: 'POST',
    path: '/api/v1/sellers',
    // Both sellers have applied already.
    expect: sellersOnly(409),
    body: () => ({
      storeName: '또 하나',
      businessNumber: '124-81-00998',
      representative: '대표',
      mailOrderNumber: '2024-1',
    }),
  },
  { method: 'GET', path: '/api/v1/sellers/me', expect: sellersOnly(200) },
  {
    method: 'PATCH',
    path: '/api/v1/sellers/me/store',
    expect: sellersOnly(200),
    body: () => ({ description: '행렬 시험' }),
  },
  { method: 'GET', path: '/api/v1/sellers/me/dashboard', expect: sellersOnly(200) },
  {
    method: 'GET',
    path: '/api/v1/sellers/{sellerId}/store',
    expect: all(200),
    url: (w) => `/api/v1/sellers/${w.who.seller.id}/store`,
  },
  // notification
  { method: 'GET', path: '/api/v1/notifications', expect: signedIn(200) },
  {
    method: 'POST',
    path: '/api/v1/notifications/{id}/read',
    expect: sellersOwn(204),
    url: (w) => `/api/v1/notifications/${w.sellerNotificationId}/read`,
  },
  { method: 'GET', path: '/api/v1/notifications/settings', expect: signedIn(200) },
  {
    method: 'PUT',
    path: '/api/v1/notifications/settings',
    expect: signedIn(200),
    body: () => ({
      channels: { email: true, inApp: true },
      categories: { orders: true, shipping: true, seller: true, marketing: false },
    }),
  },
  {
    method: 'POST',
    path: '/api/v1/notifications/devices',
    expect: signedIn([200, 201]),
    body: (_w, a) => ({ token: `matrix-${a}-${randomUUID()}`, platform: 'WEB' }),
  },
  { method: 'GET', path: '/api/v1/notifications/devices', expect: signedIn(200) },
  {
    method: 'DELETE',
    path: '/api/v1/notifications/devices/{token}',
    expect: sellersOwn(204),
    url: (w) => `/api/v1/notifications/devices/${w.sellerDeviceToken}`,
  },
  // admin: users and sellers
  { method: 'GET', path: '/api/v1/admin/users', expect: adminOnly(200) },
  {
    method: 'GET',
    path: '/api/v1/admin/users/{id}',
    expect: adminOnly(200),
    url: (w) => `/api/v1/admin/users/${w.who.buyer.id}`,
  },
  {
    method: 'POST',
    path: '/api/v1/admin/users/{id}/suspend',
    expect: adminOnly(200),
    url: async () => `/api/v1/admin/users/${(await account('buyer', 'victim')).id}/suspend`,
    body: () => ({ reason: '행렬 시험' }),
  },
  {
    method: 'POST',
    path: '/api/v1/admin/users/{id}/restore',
    expect: adminOnly(200),
    url: async () => `/api/v1/admin/users/${(await account('buyer', 'victim')).id}/restore`,
  },
  { method: 'GET', path: '/api/v1/admin/sellers', expect: adminOnly(200) },
  {
    method: 'POST',
    path: '/api/v1/admin/sellers/{id}/approve',
    expect: adminOnly(200),
    url: async () => `/api/v1/admin/sellers/${await pendingSeller()}/approve`,
  },
  {
    method: 'POST',
    path: '/api/v1/admin/sellers/{id}/reject',
    expect: adminOnly(200),
    url: async () => `/api/v1/admin/sellers/${await pendingSeller()}/reject`,
    body: () => ({ reason: '서류 미비' }),
  },
  {
    method: 'POST',
    path: '/api/v1/admin/sellers/{id}/suspend',
    expect: adminOnly(200),
    url: async () => `/api/v1/admin/sellers/${await pendingSeller()}/suspend`,
    body: () => ({ reason: '허위 광고' }),
  },
  // admin: notification templates (알림 템플릿), on the push wording of settlement-paid, left disabled
  { method: 'GET', path: '/api/v1/admin/notification-templates', expect: adminOnly(200) },
  {
    method: 'GET',
    path: '/api/v1/admin/notification-templates/{template}',
    expect: adminOnly(200),
    url: () => '/api/v1/admin/notification-templates/settlement-paid',
  },
  {
    method: 'PUT',
    path: '/api/v1/admin/notification-templates/{template}/{channel}',
    expect: adminOnly(200),
    url: () => '/api/v1/admin/notification-templates/settlement-paid/PUSH',
    body: () => ({ title: '정산금 {{amount}} 지급', body: '판매자 센터에서 확인해 주세요.' }),
  },
  {
    method: 'POST',
    path: '/api/v1/admin/notification-templates/{template}/preview',
    expect: adminOnly(200),
    url: () => '/api/v1/admin/notification-templates/settlement-paid/preview',
    body: () => ({ channel: 'PUSH', content: { title: '{{amount}}', body: '확인' } }),
  },
  {
    method: 'POST',
    path: '/api/v1/admin/notification-templates/{template}/{channel}/rollback',
    expect: adminOnly(200),
    url: () => '/api/v1/admin/notification-templates/settlement-paid/PUSH/rollback',
    body: () => ({ version: 1 }),
  },
  {
    method: 'POST',
    path: '/api/v1/admin/notification-templates/{template}/{channel}/disable',
    expect: adminOnly(200),
    url: () => '/api/v1/admin/notification-templates/settlement-paid/PUSH/disable',
  },
];

/** A valid 사업자등록번호 no one holds yet. */
function businessNumber(): string {
  const w = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  const head = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
  const d = [...head].map(Number);
  const sum = w.reduce((s, x, i) => s + x * d[i]!, 0) + Math.floor((d[8]! * 5) / 10);
  const n = `${head}${(10 - (sum % 10)) % 10}`;
  return `${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5)}`;
}

async function apply(token: string, storeName: string) {
  const res = await api('POST', '/api/v1/sellers', {
    token,
    body: {
      storeName,
      businessNumber: businessNumber(),
      representative: '대표',
      mailOrderNumber: '2024-서울-0001',
    },
  });
  expect(res.status).toBe(201);
}

async function pendingSeller(): Promise<string> {
  const s = await account('seller', 'pending');
  await apply(s.token, '심사 대기');
  return s.id;
}

const world = {} as World;
let admin: string;

beforeAll(async () => {
  admin = await adminToken();
  // The admin adds an address on every run; earlier runs' ones go first (an account keeps at most 20).
  const kept = await api('GET', '/api/v1/users/me/addresses?limit=100', { token: admin });
  for (const a of kept.body.items)
    if (a.address === MATRIX_ADDRESS)
      expect((await api('DELETE', `/api/v1/users/me/addresses/${a.id}`, { token: admin })).status).toBe(204);
  const [buyer, seller, otherSeller] = [
    await account('buyer'),
    await account('seller'),
    await account('seller', 'other'),
  ];
  world.who = {
    anonymous: {},
    buyer,
    seller,
    otherSeller,
    admin: { id: String(decodeJwt(admin).sub), token: admin },
  };
  for (const s of [seller, otherSeller]) {
    await apply(s.token, s === seller ? '행렬 가게' : '다른 가게');
    expect((await api('POST', `/api/v1/admin/sellers/${s.id}/approve`, { token: admin })).status).toBe(200);
  }
  const address = await api('POST', '/api/v1/users/me/addresses', {
    token: seller.token,
    body: { recipient: '판매자', phone: '010-1111-2222', address: '서울시 성동구 1', zipCode: '04790' },
  });
  world.sellerAddressId = address.body.id;
  // A second session of the seller, for the others to try to end.
  world.sellerSessionId = String(decodeJwt(await login(seller.email, PASSWORD)).sid);
  world.sellerDeviceToken = `matrix-seller-${randomUUID()}`;
  const device = await api('POST', '/api/v1/notifications/devices', {
    token: seller.token,
    body: { token: world.sellerDeviceToken, platform: 'ANDROID' },
  });
  expect(device.status).toBe(201);
  world.sellerNotificationId = await eventually(
    async () => (await api('GET', '/api/v1/notifications', { token: seller.token })).body.items?.[0]?.id,
    30_000,
    "a notification in the seller's history",
  );
});

async function call(row: Row, a: Actor): Promise<Reply> {
  let token = world.who[a].token;
  if (row.fresh && a === 'admin') token = await adminToken();
  else if (row.fresh && a !== 'anonymous')
    token = (await account(a === 'buyer' ? 'buyer' : 'seller', `fresh-${a}`)).token;
  const path = row.url ? await row.url(world, a) : row.path;
  if (row.method === 'GET' && path.includes('/oauth/') && path.endsWith('/authorize')) {
    // A redirect: look at it, do not follow it.
    const res = await fetch(`${process.env.MP_BASE_URL}${path}`, {
      redirect: 'manual',
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.status, body: await res.text(), headers: res.headers };
  }
  const body = row.body?.(world, a);
  return api(row.method, path, { ...(token ? { token } : {}), ...(body !== undefined ? { body } : {}) });
}

describe('the role matrix of the identity services', () => {
  it('answers every route as designed for anonymous, buyer, seller, other seller and admin', async () => {
    const wrong: string[] = [];
    for (const row of table) {
      for (const a of actors) {
        const res = await call(row, a);
        const want = ([] as number[]).concat(row.expect[a]);
        if (!want.includes(res.status))
          wrong.push(
            `${row.method} ${row.path} as ${a}: ${res.status} (want ${want.join('|')}) ${String(JSON.stringify(res.body ?? null)).slice(0, 160)}`,
          );
      }
    }
    expect(wrong).toEqual([]);
  });

  it('covers every public route the services document', async () => {
    const documented: string[] = [];
    const own: [ServiceName, (p: string) => boolean][] = [
      ['auth', () => true],
      ['user', () => true],
      ['seller', () => true],
      ['notification', () => true],
      [
        'admin',
        (p) =>
          p.startsWith('/api/v1/admin/users') ||
          p.startsWith('/api/v1/admin/sellers') ||
          p.startsWith('/api/v1/admin/notification-templates'),
      ],
    ];
    for (const [service, mine] of own) {
      const doc = await (await fetch(`http://127.0.0.1:${portsOf(service).app}/openapi.json`)).json();
      for (const [path, ops] of Object.entries(doc.paths as Record<string, object>)) {
        if (path.startsWith('/internal/') || !mine(path)) continue;
        for (const method of Object.keys(ops)) documented.push(`${method.toUpperCase()} ${path}`);
      }
    }
    const covered = table.map((r) => `${r.method} ${r.path}`);
    expect(documented.filter((d) => !covered.includes(d))).toEqual([]);
    expect(covered.filter((c) => !documented.includes(c))).toEqual([]);
  });
});
