import { randomUUID } from 'node:crypto';
import { ApiError } from '@mp/platform';
import { tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { recoverActions } from '../src/domain/actions.ts';
import { adminForFile } from './helpers.ts';

/** user's and seller's internal routes as their own tests prove them, in memory. */
const accounts = new Map<string, { status: string; role: string; suspendedReason: string | null }>();
const sellers = new Map<string, { status: string }>();
let userDown = false;
/** The next change is applied by the owner but its answer never reaches admin (a crash, a timeout). */
let loseAnswer = false;
const lost = <T>(answer: T): T => {
  if (!loseAnswer) return answer;
  loseAnswer = false;
  throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'no answer (the connection dropped)');
};
const accountView = (id: string) => ({
  userId: id,
  email: `${id.slice(0, 8)}@example.kr`,
  name: '김철수',
  phone: null,
  role: accounts.get(id)!.role,
  status: accounts.get(id)!.status,
  emailVerified: true,
  grade: 'BRONZE',
  hasPassword: true,
  createdAt: new Date().toISOString(),
  suspendedReason: accounts.get(id)!.suspendedReason,
});
const sellerView = (id: string) => ({
  sellerId: id,
  userId: id,
  status: sellers.get(id)!.status,
  grade: 'NEW',
  storeName: '가게',
  description: null,
  csPhone: null,
  csEmail: null,
  logoFileId: null,
  businessNumber: '124-81-00998',
  representative: '대표',
  mailOrderNumber: '2024-1',
  businessAddress: null,
  appliedAt: new Date().toISOString(),
  verifiedAt: null,
  rejectionReason: null,
  suspensionReason: null,
});
const seen: { key: string; body: unknown; query: unknown }[] = [];

function route(key: string) {
  const [app, method, path] = key.split(' ');
  return (body: any, query?: Record<string, unknown>) => {
    seen.push({ key, body, query });
    if (app === 'user') {
      if (userDown) throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'user could not be reached');
      if (path === '/internal/users')
        return { items: [...accounts.keys()].map(accountView), nextCursor: null };
      const m = /^\/internal\/users\/([^/]+)(\/suspend|\/restore)?$/.exec(path!);
      const a = m && accounts.get(m[1]!);
      if (!a) throw new ApiError(404, 'USER_NOT_FOUND', 'No such account');
      if (!m[2]) return accountView(m[1]!);
      const status = m[2] === '/suspend' ? 'SUSPENDED' : 'ACTIVE';
      const changed = a.status !== status;
      a.status = status;
      a.suspendedReason = status === 'SUSPENDED' ? body.reason : null;
      return lost({ ...accountView(m[1]!), changed });
    }
    if (app === 'seller') {
      if (path === '/internal/sellers')
        return { items: [...sellers.keys()].map(sellerView), nextCursor: null };
      const m = /^\/internal\/sellers\/([^/]+)\/(approve|reject|suspend)$/.exec(path!);
      const s = m && sellers.get(m[1]!);
      if (!s) throw new ApiError(404, 'SELLER_NOT_FOUND', 'No such seller');
      const to = { approve: 'VERIFIED', reject: 'REJECTED', suspend: 'SUSPENDED' }[m[2] as 'approve'];
      if (m[2] === 'reject' && s.status !== 'PENDING') throw new ApiError(409, 'INVALID_TRANSITION', 'no');
      const changed = s.status !== to;
      s.status = to;
      return lost(m[2] === 'approve' ? { ...sellerView(m[1]!), changed } : sellerView(m[1]!));
    }
    throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', `${app} ${method} unreachable`);
  };
}

let admin: string;
const adminId = randomUUID();
const svc = adminForFile({
  invoke: new Proxy(
    {},
    { get: (_t, key) => (typeof key === 'string' && /^(user|seller) /.test(key) ? route(key) : undefined) },
  ),
});
beforeAll(async () => {
  admin = await tokenFor(adminId, 'admin');
});

const newAccount = (role = 'buyer') => {
  const id = randomUUID();
  accounts.set(id, { status: 'ACTIVE', role, suspendedReason: null });
  return id;
};
const newSeller = (status = 'PENDING') => {
  const id = randomUUID();
  sellers.set(id, { status });
  return id;
};

describe('admin: accounts', () => {
  it('suspends through user and announces admin.user.suspended once', async () => {
    const id = newAccount();
    const res = await svc.call('POST', `/api/v1/admin/users/${id}/suspend`, {
      token: admin,
      body: { reason: '부정 거래' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: id, status: 'SUSPENDED', suspendedReason: '부정 거래' });
    expect(res.body).not.toHaveProperty('changed');
    expect(seen.at(-1)).toMatchObject({
      key: `user POST /internal/users/${id}/suspend`,
      body: { reason: '부정 거래', adminId },
    });
    await svc.call('POST', `/api/v1/admin/users/${id}/suspend`, {
      token: admin,
      body: { reason: '부정 거래' },
    });
    const events = (await svc.outbox('admin.user.suspended')).filter((e) => e.data.userId === id);
    expect(events.map((e) => e.data)).toEqual([expect.objectContaining({ adminId, reason: '부정 거래' })]);
  });

  it('restores, lists and shows accounts, passing filters on', async () => {
    const id = newAccount();
    await svc.call('POST', `/api/v1/admin/users/${id}/suspend`, { token: admin, body: { reason: 'x' } });
    const restored = await svc.call('POST', `/api/v1/admin/users/${id}/restore`, { token: admin });
    expect(restored.body.status).toBe('ACTIVE');
    const list = await svc.call('GET', '/api/v1/admin/users?status=ACTIVE&q=kim&limit=5', { token: admin });
    expect(list.status).toBe(200);
    expect(seen.at(-1)!.query).toMatchObject({ status: 'ACTIVE', q: 'kim', limit: 5 });
    expect((await svc.call('GET', `/api/v1/admin/users/${id}`, { token: admin })).body.userId).toBe(id);
  });

  it("passes the owner's refusals on and answers 503 when user is unreachable", async () => {
    const missing = await svc.call('POST', `/api/v1/admin/users/${randomUUID()}/suspend`, {
      token: admin,
      body: { reason: 'x' },
    });
    expect([missing.status, missing.body.code]).toEqual([404, 'USER_NOT_FOUND']);
    const noReason = await svc.call('POST', `/api/v1/admin/users/${newAccount()}/suspend`, {
      token: admin,
      body: {},
    });
    expect([noReason.status, noReason.body.errors[0].path]).toEqual([400, 'reason']);
    userDown = true;
    const down = await svc.call('GET', '/api/v1/admin/users', { token: admin });
    userDown = false;
    expect(down.status).toBe(503);
  });
});

describe('admin: sellers', () => {
  it('approves through seller and announces admin.seller.approved once', async () => {
    const id = newSeller();
    const res = await svc.call('POST', `/api/v1/admin/sellers/${id}/approve`, { token: admin });
    expect(res.body).toMatchObject({ sellerId: id, status: 'VERIFIED' });
    await svc.call('POST', `/api/v1/admin/sellers/${id}/approve`, { token: admin });
    const events = (await svc.outbox('admin.seller.approved')).filter((e) => e.data.sellerId === id);
    expect(events.map((e) => e.data.adminId)).toEqual([adminId]);
  });

  it('rejects and suspends with a reason, and lists by status', async () => {
    const a = newSeller();
    expect(
      (
        await svc.call('POST', `/api/v1/admin/sellers/${a}/reject`, {
          token: admin,
          body: { reason: '서류 미비' },
        })
      ).body.status,
    ).toBe('REJECTED');
    expect(seen.at(-1)).toMatchObject({ body: { reason: '서류 미비', adminId } });
    const b = newSeller('VERIFIED');
    const refused = await svc.call('POST', `/api/v1/admin/sellers/${b}/reject`, {
      token: admin,
      body: { reason: 'x' },
    });
    expect([refused.status, refused.body.code]).toEqual([409, 'INVALID_TRANSITION']);
    expect(
      (
        await svc.call('POST', `/api/v1/admin/sellers/${b}/suspend`, {
          token: admin,
          body: { reason: '허위 광고' },
        })
      ).body.status,
    ).toBe('SUSPENDED');
    await svc.call('GET', '/api/v1/admin/sellers?status=PENDING', { token: admin });
    expect(seen.at(-1)).toMatchObject({ key: 'seller GET /internal/sellers', query: { status: 'PENDING' } });
  });
});

describe('admin routes are for admins', () => {
  it('refuses anonymous callers, buyers and sellers', async () => {
    const id = newAccount();
    for (const [method, path] of [
      ['GET', '/api/v1/admin/users'],
      ['POST', `/api/v1/admin/users/${id}/suspend`],
      ['POST', `/api/v1/admin/sellers/${id}/approve`],
    ] as const) {
      const body = method === 'POST' ? { reason: 'x' } : undefined;
      expect((await svc.call(method, path, { body })).status, path).toBe(401);
      for (const role of ['buyer', 'seller'] as const) {
        const res = await svc.call(method, path, { token: await tokenFor(randomUUID(), role), body });
        expect(res.status, `${role} ${path}`).toBe(403);
      }
    }
    expect(accounts.get(id)!.status).toBe('ACTIVE');
  });
});

describe("admin's announcements survive a crash between the owner's change and the event", () => {
  const recover = () => recoverActions({ db: svc.deps.db, dapr: svc.deps.dapr, events: svc.deps.events }, 0);
  const pending = () =>
    svc.deps.db.selectFrom('admin_actions').selectAll().where('status', '=', 'PENDING').execute();

  it('announces a suspension whose answer was lost, once, when the decision is recovered', async () => {
    const id = newAccount();
    loseAnswer = true;
    const res = await svc.call('POST', `/api/v1/admin/users/${id}/suspend`, {
      token: admin,
      body: { reason: '도용 의심' },
    });
    expect(res.status).toBe(503);
    expect(accounts.get(id)!.status).toBe('SUSPENDED');
    const outbox = async () => (await svc.outbox('admin.user.suspended')).filter((e) => e.data.userId === id);
    expect(await outbox()).toEqual([]);
    expect((await pending()).map((a) => [a.kind, a.target_id])).toContainEqual(['USER_SUSPEND', id]);

    await recover();
    await recover();
    expect((await outbox()).map((e) => e.data)).toEqual([
      expect.objectContaining({ userId: id, adminId, reason: '도용 의심' }),
    ]);
    expect((await pending()).filter((a) => a.target_id === id)).toEqual([]);
  });

  it('announces an approval whose answer was lost, and drops a decision the owner refused', async () => {
    const id = newSeller();
    loseAnswer = true;
    expect((await svc.call('POST', `/api/v1/admin/sellers/${id}/approve`, { token: admin })).status).toBe(
      503,
    );
    await recover();
    expect((await svc.outbox('admin.seller.approved')).filter((e) => e.data.sellerId === id)).toHaveLength(1);

    const missing = randomUUID();
    expect(
      (
        await svc.call('POST', `/api/v1/admin/users/${missing}/suspend`, {
          token: admin,
          body: { reason: 'x' },
        })
      ).status,
    ).toBe(404);
    expect(
      await svc.deps.db.selectFrom('admin_actions').where('target_id', '=', missing).selectAll().execute(),
    ).toEqual([]);
  });
});
