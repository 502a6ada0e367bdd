import { tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminForFile } from './helpers.ts';

let admin: string;
const svc = adminForFile();
beforeAll(async () => {
  admin = await tokenFor('admin-1', 'admin');
});

/** A notice drafted (and published unless `draft`) by the admin; answers its id. */
async function notice(title: string, o: { pinned?: boolean; audience?: string; draft?: boolean } = {}) {
  const made = await svc.call('POST', '/api/v1/admin/notices', {
    token: admin,
    body: { title, body: `${title} 본문`, pinned: o.pinned ?? false, audience: o.audience ?? 'ALL' },
  });
  expect(made.status).toBe(201);
  if (!o.draft)
    expect(
      (await svc.call('POST', `/api/v1/admin/notices/${made.body.id}/publish`, { token: admin })).status,
    ).toBe(200);
  return made.body.id as string;
}

describe('notices for everyone (GET /api/v1/notices)', () => {
  it('lists published notices only, pinned first then newest, in pages, without signing in', async () => {
    const old = await notice('이용약관 개정');
    const pinned = await notice('고객센터 운영 시간', { pinned: true });
    const draft = await notice('작성 중', { draft: true });
    const newest = await notice('설 연휴 배송 안내', { audience: 'BUYERS' });

    const all: { id: string; title: string; pinned: boolean }[] = [];
    let cursor: string | null = null;
    do {
      const res = await svc.call('GET', `/api/v1/notices?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      all.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(all.map((n) => n.id)).toEqual([pinned, newest, old]);
    expect(all.map((n) => n.id)).not.toContain(draft);
    expect(all[0]).toMatchObject({
      title: '고객센터 운영 시간',
      pinned: true,
      publishedAt: expect.any(String),
    });
    expect(all[0]).not.toHaveProperty('createdBy');

    const buyers = await svc.call('GET', '/api/v1/notices?audience=BUYERS');
    expect(buyers.body.items.map((n: { id: string }) => n.id)).toEqual([newest]);

    const one = await svc.call('GET', `/api/v1/notices/${old}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id: old,
      title: '이용약관 개정',
      body: '이용약관 개정 본문',
      audience: 'ALL',
    });
  });

  it('does not show a draft or what is no notice, and names a bad cursor or limit with a 400', async () => {
    const draft = await notice('초안', { draft: true });
    expect((await svc.call('GET', `/api/v1/notices/${draft}`)).body.code).toBe('NOTICE_NOT_FOUND');
    expect((await svc.call('GET', `/api/v1/notices/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await svc.call('GET', '/api/v1/notices/not-an-id')).status).toBe(404);
    const bad = await svc.call('GET', '/api/v1/notices?cursor=garbage');
    expect(bad.status).toBe(400);
    expect((await svc.call('GET', '/api/v1/notices?limit=0')).status).toBe(400);
  });
});
