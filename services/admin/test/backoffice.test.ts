import { ApiError } from '@mp/platform';
import { tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { reconcileConfigs } from '../src/domain/configs.ts';
import { adminForFile } from './helpers.ts';

/** The owners' side of system settings, as settlement and stats keep it: the newest version wins. */
const owned = new Map<string, { value: unknown; version: number }>();
let ownerDown = false;
let ownerRefuses = false;
const owner = (key: string) => (body: unknown) => {
  if (ownerDown) throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'settlement could not be reached');
  if (ownerRefuses)
    throw new ApiError(400, 'VALIDATION_FAILED', 'refused', { errors: [{ path: 'value', message: 'no' }] });
  const { value, version } = body as { value: unknown; version: number };
  const held = owned.get(key);
  if (!held || held.version < version) owned.set(key, { value, version });
  return { key, ...owned.get(key)! };
};

let statsDown = false;
const runs: unknown[] = [];
let runAnswer: () => unknown = () => ({
  period: { from: '2024-05-01', to: '2024-05-31', start: 's', end: 'e' },
  created: 0,
  settlements: [],
});

let admin: string;
let seller: string;
const svc = adminForFile({
  invoke: {
    'settlement PUT /internal/configs/settlement.commission': owner('settlement.commission'),
    'settlement PUT /internal/configs/settlement.schedule': owner('settlement.schedule'),
    'stats PUT /internal/configs/stats.monthlyReport': owner('stats.monthlyReport'),
    'stats GET /internal/dashboard': () => {
      if (statsDown) throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'stats could not be reached');
      return { today: { date: '2024-05-02', orders: 3 } };
    },
    'settlement GET /internal/summary': () => ({ byStatus: { PAID: { count: 1, netAmount: 9_000 } } }),
    'product GET /internal/review-queue': (_body, query) => ({
      products: { count: 2, items: [{ id: 'p-1' }] },
      revisions: { count: 1, items: [{ id: 'r-1' }] },
      query,
    }),
    'inventory GET /internal/low-stock': (_body, query) => ({
      lowStock: 4,
      outOfStock: 1,
      items: [{ sku: 'SKU-1', stockStatus: 'OUT_OF_STOCK' }],
      query,
    }),
    'settlement POST /internal/settlements/run': (body) => {
      runs.push(body);
      return runAnswer();
    },
  },
});
beforeAll(async () => {
  admin = await tokenFor('admin-1', 'admin');
  seller = await tokenFor('seller-1', 'seller');
});

const draft = (body: Record<string, unknown> = {}) =>
  svc.call('POST', '/api/v1/admin/notices', {
    token: admin,
    body: { title: '설 연휴 배송 안내', body: '1월 27일부터 30일까지 배송이 쉽니다.', ...body },
  });

describe('the back office routes', () => {
  it('are documented', async () => {
    const doc = await svc.call('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/admin/notices',
        '/api/v1/admin/notices/{id}/publish',
        '/api/v1/admin/configs/{key}',
        '/api/v1/admin/dashboard',
        '/api/v1/admin/settlements/run',
      ]),
    );
  });
});

describe('notices (공지사항)', () => {
  it('are drafted, edited while drafts, and published once → admin.notice.published', async () => {
    const made = await draft({ audience: 'SELLERS' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      status: 'DRAFT',
      audience: 'SELLERS',
      pinned: false,
      createdBy: 'admin-1',
      publishedAt: null,
    });
    const id = made.body.id;
    const edited = await svc.call('PATCH', `/api/v1/admin/notices/${id}`, {
      token: admin,
      body: { pinned: true },
    });
    expect(edited.body).toMatchObject({ pinned: true, title: '설 연휴 배송 안내' });
    const published = await svc.call('POST', `/api/v1/admin/notices/${id}/publish`, { token: admin });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ status: 'PUBLISHED', publishedBy: 'admin-1' });
    const events = (await svc.outbox('admin.notice.published')).filter((e) => e.data.noticeId === id);
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({
        title: '설 연휴 배송 안내',
        adminId: 'admin-1',
        audience: 'SELLERS',
        body: expect.stringContaining('배송'),
      }),
    ]);
    const again = await svc.call('POST', `/api/v1/admin/notices/${id}/publish`, { token: admin });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('NOTICE_ALREADY_PUBLISHED');
    expect(
      (await svc.call('PATCH', `/api/v1/admin/notices/${id}`, { token: admin, body: { title: 'x' } })).status,
    ).toBe(409);
  });

  it('are published once when ten admins publish one at the same moment', async () => {
    const { id } = (await draft()).body;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        svc.call('POST', `/api/v1/admin/notices/${id}/publish`, { token: admin }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(9);
    expect((await svc.outbox('admin.notice.published')).filter((e) => e.data.noticeId === id)).toHaveLength(
      1,
    );
  });

  it('are listed newest first, filtered and paged', async () => {
    const a = (await draft({ title: 'A', audience: 'BUYERS' })).body.id;
    const b = (await draft({ title: 'B', audience: 'BUYERS' })).body.id;
    const first = await svc.call('GET', '/api/v1/admin/notices?audience=BUYERS&status=DRAFT&limit=1', {
      token: admin,
    });
    expect(first.body.items.map((n: { id: string }) => n.id)).toEqual([b]);
    const second = await svc.call(
      'GET',
      `/api/v1/admin/notices?audience=BUYERS&status=DRAFT&limit=1&cursor=${first.body.nextCursor}`,
      {
        token: admin,
      },
    );
    expect(second.body.items.map((n: { id: string }) => n.id)).toEqual([a]);
    expect((await svc.call('GET', `/api/v1/admin/notices/${a}`, { token: admin })).body.title).toBe('A');
  });

  it('refuse bad input naming the field, unknown ids, and everyone but admins', async () => {
    const empty = await draft({ title: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0]).toMatchObject({ path: 'title', in: 'body' });
    expect((await draft({ audience: 'EVERYONE' })).body.errors[0].path).toBe('audience');
    expect((await draft({ body: 'x'.repeat(20_001) })).body.errors[0].path).toBe('body');
    const nothing = await svc.call('PATCH', `/api/v1/admin/notices/${crypto.randomUUID()}`, {
      token: admin,
      body: {},
    });
    expect(nothing.status).toBe(400);
    const unknown = crypto.randomUUID();
    expect((await svc.call('GET', `/api/v1/admin/notices/${unknown}`, { token: admin })).status).toBe(404);
    expect(
      (await svc.call('POST', `/api/v1/admin/notices/${unknown}/publish`, { token: admin })).body.code,
    ).toBe('NOTICE_NOT_FOUND');
    expect(
      (await svc.call('PATCH', `/api/v1/admin/notices/${unknown}`, { token: admin, body: { pinned: true } }))
        .status,
    ).toBe(404);
    expect((await svc.call('GET', '/api/v1/admin/notices/not-an-id', { token: admin })).status).toBe(400);
    for (const [method, path] of [
      ['GET', '/api/v1/admin/notices'],
      ['POST', '/api/v1/admin/notices'],
      ['GET', `/api/v1/admin/notices/${unknown}`],
      ['PATCH', `/api/v1/admin/notices/${unknown}`],
      ['POST', `/api/v1/admin/notices/${unknown}/publish`],
    ] as const) {
      const body = method === 'GET' ? {} : { body: {} };
      expect((await svc.call(method, path, { token: seller, ...body })).status, `${method} ${path}`).toBe(
        403,
      );
      expect((await svc.call(method, path, body)).status, `${method} ${path}`).toBe(401);
    }
  });
});

describe('system settings (시스템 설정)', () => {
  it('list every key with its default until one is set', async () => {
    const res = await svc.call('GET', '/api/v1/admin/configs', { token: admin });
    const keys = res.body.items.map((i: { key: string }) => i.key);
    expect(keys).toEqual([
      'notification.textChannels',
      'settlement.commission',
      'settlement.schedule',
      'stats.monthlyReport',
    ]);
    const schedule = await svc.call('GET', '/api/v1/admin/configs/settlement.schedule', { token: admin });
    expect(schedule.body).toMatchObject({
      owner: 'settlement',
      value: { cycle: 'DAILY', enabled: true },
      version: 0,
      isDefault: true,
    });
    const unknown = await svc.call('GET', '/api/v1/admin/configs/site.colour', { token: admin });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CONFIG_NOT_FOUND');
  });

  it('check a value against its key, and keep it only once the owning service has taken it', async () => {
    const bad = await svc.call('PUT', '/api/v1/admin/configs/settlement.commission', {
      token: admin,
      body: { value: { defaultRateBp: 10.8 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('value.defaultRateBp');
    const put = await svc.call('PUT', '/api/v1/admin/configs/settlement.commission', {
      token: admin,
      body: { value: { defaultRateBp: 1200, byCategory: { fashion: 1500 } }, expectedVersion: 0 },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      value: { defaultRateBp: 1200, byCategory: { fashion: 1500 }, bySeller: {} },
      isDefault: false,
      updatedBy: 'admin-1',
      applied: true,
    });
    expect(owned.get('settlement.commission')).toEqual({ value: put.body.value, version: put.body.version });
    const stale = await svc.call('PUT', '/api/v1/admin/configs/settlement.commission', {
      token: admin,
      body: { value: { defaultRateBp: 1 }, expectedVersion: 0 },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'CONFIG_VERSION_CONFLICT', currentVersion: put.body.version });
  });

  it('change nothing when the owner cannot take the change, or refuses it', async () => {
    const before = (await svc.call('GET', '/api/v1/admin/configs/stats.monthlyReport', { token: admin }))
      .body;
    ownerDown = true;
    const down = await svc.call('PUT', '/api/v1/admin/configs/stats.monthlyReport', {
      token: admin,
      body: { value: { enabled: false } },
    });
    ownerDown = false;
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('CONFIG_OWNER_UNAVAILABLE');
    ownerRefuses = true;
    const refused = await svc.call('PUT', '/api/v1/admin/configs/stats.monthlyReport', {
      token: admin,
      body: { value: { enabled: false } },
    });
    ownerRefuses = false;
    expect(refused.status).toBe(400);
    expect(
      (await svc.call('GET', '/api/v1/admin/configs/stats.monthlyReport', { token: admin })).body,
    ).toEqual(before);
  });

  it('leave the owner applying what admin shows when many admins change a setting at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, k) =>
        svc.call('PUT', '/api/v1/admin/configs/settlement.schedule', {
          token: admin,
          body: { value: { cycle: ['DAILY', 'WEEKLY', 'MONTHLY'][k % 3], enabled: k % 2 === 0 } },
        }),
      ),
    );
    for (const a of answers) expect(a.status).toBe(200);
    const shown = (await svc.call('GET', '/api/v1/admin/configs/settlement.schedule', { token: admin })).body;
    expect(owned.get('settlement.schedule')).toEqual({ value: shown.value, version: shown.version });
    const history = await svc.deps.db
      .selectFrom('system_config_history')
      .select('version')
      .where('key', '=', 'settlement.schedule')
      .execute();
    expect(history).toHaveLength(12);
    expect(new Set(history.map((h) => h.version)).size).toBe(12);
  });

  it('are pushed again to an owner that lost them or holds a version admin does not know', async () => {
    const shown = (await svc.call('GET', '/api/v1/admin/configs/settlement.commission', { token: admin }))
      .body;
    owned.delete('settlement.commission');
    owned.set('settlement.schedule', { value: { cycle: 'WEEKLY', enabled: false }, version: 1_000_000 });
    await reconcileConfigs(svc.deps);
    expect(owned.get('settlement.commission')).toEqual({ value: shown.value, version: shown.version });
    const schedule = (await svc.call('GET', '/api/v1/admin/configs/settlement.schedule', { token: admin }))
      .body;
    expect(schedule.version).toBeGreaterThan(1_000_000);
    expect(owned.get('settlement.schedule')).toEqual({ value: schedule.value, version: schedule.version });
    expect(schedule.applied).toBe(true);
  });

  it('are for admins only', async () => {
    expect((await svc.call('GET', '/api/v1/admin/configs', { token: seller })).status).toBe(403);
    expect(
      (
        await svc.call('PUT', '/api/v1/admin/configs/stats.monthlyReport', {
          token: seller,
          body: { value: {} },
        })
      ).status,
    ).toBe(403);
    expect((await svc.call('GET', '/api/v1/admin/configs/stats.monthlyReport')).status).toBe(401);
  });
});

describe('the dashboard (통계 대시보드)', () => {
  it('gathers stats and settlement figures with the monitor’s and notices’ own', async () => {
    const res = await svc.call('GET', '/api/v1/admin/dashboard', { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.sales).toEqual({ status: 'OK', data: { today: { date: '2024-05-02', orders: 3 } } });
    expect(res.body.settlements).toMatchObject({ status: 'OK', data: { byStatus: { PAID: { count: 1 } } } });
    expect(res.body.reviewQueue).toMatchObject({
      status: 'OK',
      data: { products: { count: 2 }, revisions: { count: 1, items: [{ id: 'r-1' }] }, query: { limit: 10 } },
    });
    expect(res.body.lowStock).toMatchObject({
      status: 'OK',
      data: { lowStock: 4, outOfStock: 1, items: [{ sku: 'SKU-1' }], query: { limit: 20 } },
    });
    expect(res.body.notices.published).toBeGreaterThanOrEqual(2);
    expect(res.body.monitor).toEqual({ eventsLast24h: 0, deadLettersLast24h: 0, invalidLast24h: 0 });
  });

  it('still answers when a service cannot, marking only its section unavailable', async () => {
    statsDown = true;
    const res = await svc.call('GET', '/api/v1/admin/dashboard', { token: admin });
    statsDown = false;
    expect(res.status).toBe(200);
    expect(res.body.sales).toEqual({
      status: 'UNAVAILABLE',
      code: 'UPSTREAM_UNAVAILABLE',
      detail: 'stats could not be reached',
    });
    expect(res.body.settlements.status).toBe('OK');
    expect((await svc.call('GET', '/api/v1/admin/dashboard', { token: seller })).status).toBe(403);
  });
});

describe('settlement runs from the back office (정산 실행)', () => {
  it('forward the period to settlement with who asked, and answer its settlements', async () => {
    const answer = {
      period: {
        from: '2024-05-01',
        to: '2024-05-31',
        start: '2024-04-30T15:00:00.000Z',
        end: '2024-05-31T15:00:00.000Z',
      },
      created: 1,
      settlements: [{ id: 's-1', sellerId: 'seller-1', netAmount: 9_000 }],
    };
    runAnswer = () => answer;
    const res = await svc.call('POST', '/api/v1/admin/settlements/run', {
      token: admin,
      body: { from: '2024-05-01', to: '2024-05-31' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(answer);
    expect(runs.at(-1)).toEqual({ from: '2024-05-01', to: '2024-05-31', requestedBy: 'admin-1' });
  });

  it('pass settlement’s refusals through, and answer 503 when it cannot be reached', async () => {
    runAnswer = () => {
      throw new ApiError(422, 'PERIOD_NOT_ENDED', 'A period can be settled only once it has ended', {
        errors: [{ path: 'to', message: 'the period has not ended yet' }],
      });
    };
    const refused = await svc.call('POST', '/api/v1/admin/settlements/run', {
      token: admin,
      body: { from: '2024-05-01', to: '2099-05-31' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'PERIOD_NOT_ENDED', errors: [{ path: 'to' }] });
    runAnswer = () => {
      throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'settlement could not be reached');
    };
    expect(
      (
        await svc.call('POST', '/api/v1/admin/settlements/run', {
          token: admin,
          body: { from: '2024-05-01', to: '2024-05-31' },
        })
      ).status,
    ).toBe(503);
  });

  it('refuse a malformed period without asking settlement, and non-admins', async () => {
    const before = runs.length;
    const bad = await svc.call('POST', '/api/v1/admin/settlements/run', {
      token: admin,
      body: { from: '2024/05/01', to: '2024-05-31' },
    });
    expect(bad.body.errors[0]).toMatchObject({ path: 'from', in: 'body' });
    expect(
      (
        await svc.call('POST', '/api/v1/admin/settlements/run', {
          token: seller,
          body: { from: '2024-05-01', to: '2024-05-31' },
        })
      ).status,
    ).toBe(403);
    expect(runs.length).toBe(before);
  });
});
