/**
 * Setting up a market through the public gateway for the ordering benchmarks: an admin, verified
 * sellers, approved products with stock, buyers. Plain fetch; nothing here asserts anything.
 */
import { randomUUID } from 'node:crypto';
import { gatewayPortOf } from '../../scripts/stack/ports.ts';

export const base = process.env.MP_BASE_URL ?? `http://localhost:${gatewayPortOf()}`;
const password = 'correct horse battery';

export async function call<T = any>(
  method: string,
  path: string,
  o: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

function must<T>(res: { status: number; body: T }, ok: number, what: string): T {
  if (res.status !== ok) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Signs in. A loaded machine (argon2 hashing on busy cores) can make the gateway give up on the
 * credentials check (504): that is asked again, a few times, rather than failing the whole setup.
 */
export async function login(email: string, pw = password): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const res = await call('POST', '/api/v1/auth/login', { body: { email, password: pw } });
    if (attempt < 5 && res.status >= 502 && res.status <= 504) continue;
    return must(res, 200, `login ${email}`).accessToken;
  }
}

export const adminToken = () =>
  login(
    process.env.ADMIN_EMAIL ?? 'admin@marketplace.local',
    process.env.ADMIN_PASSWORD ?? 'admin-password-change-me',
  );

const email = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@bench.example.kr`;

function businessNumber(): string {
  const d = Array.from({ length: 9 }, () => Math.floor(Math.random() * 10));
  const w = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  const sum = w.reduce((s, x, i) => s + x * d[i]!, 0) + Math.floor((d[8]! * 5) / 10);
  return [...d, (10 - (sum % 10)) % 10].join('');
}

export interface Party {
  id: string;
  token: string;
  /** A buyer's sign-in email (to sign in again once the access token nears its end). */
  email?: string;
}

export async function buyer(): Promise<Party> {
  const e = email('buyer');
  const u = must(
    await call('POST', '/api/v1/users', { body: { email: e, password, name: '벤치구매', role: 'buyer' } }),
    201,
    'sign-up',
  );
  return { id: u.id, token: await login(e), email: e };
}

export async function verifiedSeller(admin: string): Promise<Party> {
  const e = email('seller');
  const u = must(
    await call('POST', '/api/v1/users', { body: { email: e, password, name: '벤치판매', role: 'seller' } }),
    201,
    'seller sign-up',
  );
  const token = await login(e);
  must(
    await call('POST', '/api/v1/sellers', {
      token,
      body: {
        storeName: `벤치상점 ${randomUUID().slice(0, 6)}`,
        businessNumber: businessNumber(),
        representative: '벤치',
        mailOrderNumber: '2025-서울강남-01234',
      },
    }),
    201,
    'seller application',
  );
  must(await call('POST', `/api/v1/admin/sellers/${u.id}/approve`, { token: admin }), 200, 'seller approval');
  return { id: u.id, token };
}

export async function product(
  admin: string,
  seller: Party,
  o: { name: string; price: number; stock: number },
) {
  const categoryId = must(
    await call('POST', '/api/v1/categories', {
      token: admin,
      body: { name: `벤치 ${randomUUID().slice(0, 6)}` },
    }),
    201,
    'category',
  ).id;
  const sku = `BENCH-${randomUUID().slice(0, 12)}`;
  const p = must(
    await call('POST', '/api/v1/products', {
      token: seller.token,
      body: {
        name: o.name,
        description: 'benchmark',
        price: o.price,
        categoryId,
        options: [{ sku, values: { 사이즈: 'FREE' }, stock: o.stock }],
      },
    }),
    201,
    'product',
  );
  must(
    await call('PATCH', `/api/v1/admin/products/${p.id}/approve`, { token: admin }),
    200,
    'product approval',
  );
  for (let i = 0; i < 200; i++) {
    const s = await call('GET', `/api/v1/inventory/${sku}`, { token: seller.token });
    if (s.status === 200 && s.body.onHand === o.stock) return { productId: p.id as string, sku, seller };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`inventory never knew ${sku}`);
}

export const address = {
  recipient: '김벤치',
  phone: '010-1234-5678',
  address: '서울시 강남구 테헤란로 1',
  zipCode: '06236',
};

/** `n` buyers, signed up a few at a time (sign-up and login hash passwords: a burst would only measure argon2). */
export async function buyers(n: number): Promise<Party[]> {
  const out: Party[] = [];
  while (out.length < n)
    out.push(...(await Promise.all(Array.from({ length: Math.min(4, n - out.length) }, () => buyer()))));
  return out;
}

/** Percentiles of a list of milliseconds. */
export function percentiles(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) =>
    s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s.at(-1) ?? Number.NaN };
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
