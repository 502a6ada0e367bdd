import { randomUUID } from 'node:crypto';
import { ApiError } from '@mp/platform';
import { tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { claim, couponForFile, hours, newCoupon } from './helpers.ts';

/** file's `GET /internal/files/{id}` over a few files the tests make. */
const files = new Map<string, { ownerId: string; status: string; contentType: string }>();
const file = (ownerId: string, status = 'READY', contentType = 'image/png') => {
  const fileId = randomUUID();
  files.set(fileId, { ownerId, status, contentType });
  return fileId;
};
const invoke = new Proxy({} as Record<string, () => unknown>, {
  get(_, route: string) {
    const m = /^file GET \/internal\/files\/([^/]+)$/.exec(route);
    if (!m) return undefined;
    return () => {
      const f = files.get(m[1]!);
      if (!f) throw new ApiError(404, 'FILE_NOT_FOUND', 'No such file');
      return {
        fileId: m[1],
        size: 1,
        purpose: 'banner',
        filename: 'banner.png',
        url: 'http://x',
        variants: {},
        width: null,
        height: null,
        createdAt: '2026-01-01T00:00:00.000Z',
        ...f,
      };
    };
  },
});

let adminId: string;
let admin: string;
const svc = couponForFile({ invoke });
beforeAll(async () => {
  adminId = randomUUID();
  admin = await tokenFor(adminId, 'admin');
});

const create = (body: Record<string, unknown>, token = admin) =>
  svc.call('POST', '/api/v1/coupons/promotions', {
    token,
    body: { name: '블랙프라이데이 기획전', startsAt: hours(-1), endsAt: hours(48), ...body },
  });
const patch = (id: string, body: Record<string, unknown>, token = admin) =>
  svc.call('PATCH', `/api/v1/coupons/promotions/${id}`, { token, body });
const publicList = async (query = '') => (await svc.call('GET', `/api/v1/coupons/promotions${query}`)).body;

describe('promotions (프로모션/기획전)', () => {
  it('lets an admin create a draft, publish it, and shows it publicly with its claimable coupons', async () => {
    const open = await newCoupon(svc, { totalQuantity: 5 });
    const gone = await newCoupon(svc, { totalQuantity: 1 });
    await claim(svc, gone.id);
    const sellerCoupon = await newCoupon(svc, {}, await tokenFor(randomUUID(), 'seller'));
    const banner = file(adminId);
    const res = await create({
      description: '최대 50% 할인',
      bannerFileId: banner,
      couponIds: [open.id, gone.id, sellerCoupon.id],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'DRAFT', owner: 'ADMIN', sellerId: null, bannerFileId: banner });
    expect(res.body.coupons.map((c: { id: string }) => c.id)).toEqual([open.id, gone.id, sellerCoupon.id]);
    // A draft is the organizer's alone.
    expect((await svc.call('GET', `/api/v1/coupons/promotions/${res.body.id}`)).status).toBe(404);
    expect((await publicList()).items.map((p: { id: string }) => p.id)).not.toContain(res.body.id);

    const published = await patch(res.body.id, { published: true });
    expect(published.body.status).toBe('ACTIVE');
    expect((await publicList()).items.map((p: { id: string }) => p.id)).toContain(res.body.id);
    const page = await svc.call('GET', `/api/v1/coupons/promotions/${res.body.id}`);
    expect(page.status).toBe(200);
    expect(page.body.coupons.map((c: { id: string }) => c.id)).toEqual([open.id, sellerCoupon.id]);
    // Its organizer still sees every coupon it features.
    const own = await svc.call('GET', `/api/v1/coupons/promotions/${res.body.id}`, { token: admin });
    expect(own.body.coupons).toHaveLength(3);
  });

  it("lets a seller feature only its own coupons; another seller's promotion is a 404", async () => {
    const sellerId = randomUUID();
    const seller = await tokenFor(sellerId, 'seller');
    const mine = await newCoupon(svc, {}, seller);
    const theirs = await newCoupon(svc, {}, await tokenFor(randomUUID(), 'seller'));
    const platform = await newCoupon(svc);
    const refused = await create({ couponIds: [mine.id, theirs.id, platform.id, 'nope'] }, seller);
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'couponIds.1',
      'couponIds.2',
      'couponIds.3',
    ]);
    const made = await create({ couponIds: [mine.id], published: true }, seller);
    expect(made.body).toMatchObject({ owner: 'SELLER', sellerId, status: 'ACTIVE' });

    const other = await tokenFor(randomUUID(), 'seller');
    expect((await patch(made.body.id, { name: '남의 기획전' }, other)).status).toBe(404);
    expect(
      (await svc.call('DELETE', `/api/v1/coupons/promotions/${made.body.id}`, { token: other })).status,
    ).toBe(404);
    const buyer = await tokenFor(randomUUID(), 'buyer');
    expect((await create({}, buyer)).status).toBe(403);
    expect((await svc.call('POST', '/api/v1/coupons/promotions', { body: {} })).status).toBe(401);

    const renamed = await patch(made.body.id, { name: '여름 세일', couponIds: [] }, seller);
    expect(renamed.body).toMatchObject({ name: '여름 세일', coupons: [] });
    expect((await publicList(`?sellerId=${sellerId}`)).items.map((p: { name: string }) => p.name)).toEqual([
      '여름 세일',
    ]);
    // Admins manage every promotion.
    expect((await patch(made.body.id, { published: false })).body.status).toBe('DRAFT');
    expect(
      (await svc.call('DELETE', `/api/v1/coupons/promotions/${made.body.id}`, { token: seller })).status,
    ).toBe(204);
    expect(
      (await svc.call('GET', `/api/v1/coupons/promotions/${made.body.id}`, { token: seller })).status,
    ).toBe(404);
    // Its coupons stay.
    expect((await svc.call('GET', `/api/v1/coupons/${mine.id}`)).status).toBe(200);
  });

  it('names every bad field', async () => {
    const res = await create({ name: '', startsAt: hours(2), endsAt: hours(1) });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['endsAt', 'name']);
    const wrongTypes = await create({ couponIds: 'x', published: 'yes' });
    expect(wrongTypes.status).toBe(400);
    expect(wrongTypes.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'couponIds',
      'published',
    ]);
    const noOffset = await create({ startsAt: hours(-1).slice(0, 19) });
    expect(noOffset.body.errors.map((e: { path: string }) => e.path)).toEqual(['startsAt']);
    const made = await create({});
    const backwards = await patch(made.body.id, { endsAt: hours(-2) });
    expect(backwards.status).toBe(422);
    expect(backwards.body.errors.map((e: { path: string }) => e.path)).toEqual(['endsAt']);
  });

  it("takes only the organizer's own ready image as a banner", async () => {
    const sellerId = randomUUID();
    const seller = await tokenFor(sellerId, 'seller');
    for (const bannerFileId of [
      file(randomUUID()),
      file(sellerId, 'PENDING'),
      file(sellerId, 'READY', 'application/pdf'),
      randomUUID(),
    ]) {
      const res = await create({ bannerFileId }, seller);
      expect([res.status, res.body.code, res.body.errors?.[0]?.path]).toEqual([
        422,
        'BANNER_NOT_USABLE',
        'bannerFileId',
      ]);
    }
    expect((await create({ bannerFileId: file(sellerId) }, seller)).status).toBe(201);
  });

  it('lists only running promotions, newest start first, a page at a time', async () => {
    const sellerId = randomUUID();
    const seller = await tokenFor(sellerId, 'seller');
    const running = [];
    for (const h of [-3, -2, -1])
      running.push((await create({ name: `진행중 ${h}`, startsAt: hours(h), published: true }, seller)).body);
    const scheduled = (await create({ startsAt: hours(1), endsAt: hours(5), published: true }, seller)).body;
    expect(scheduled.status).toBe('SCHEDULED');
    const ended = (await create({ startsAt: hours(-5), endsAt: hours(-1), published: true }, seller)).body;
    expect(ended.status).toBe('ENDED');
    expect((await svc.call('GET', `/api/v1/coupons/promotions/${scheduled.id}`)).status).toBe(404);
    expect((await svc.call('GET', `/api/v1/coupons/promotions/${ended.id}`)).status).toBe(404);
    expect(
      (await svc.call('GET', `/api/v1/coupons/promotions/${ended.id}`, { token: seller })).body.status,
    ).toBe('ENDED');

    // Its organizer finds every one of them to manage, drafts included; another seller none.
    const draft = (await create({ name: '준비중' }, seller)).body;
    const mine = await svc.call('GET', '/api/v1/coupons/promotions/managed?limit=100', { token: seller });
    expect(mine.body.items.map((p: { id: string }) => p.id).sort()).toEqual(
      [...running, scheduled, ended, draft].map((p) => p.id).sort(),
    );
    const byAdmin = await svc.call(
      'GET',
      `/api/v1/coupons/promotions/managed?sellerId=${sellerId}&limit=100`,
      {
        token: admin,
      },
    );
    expect(byAdmin.body.items).toHaveLength(6);
    const other = await svc.call('GET', `/api/v1/coupons/promotions/managed?sellerId=${sellerId}`, {
      token: await tokenFor(randomUUID(), 'seller'),
    });
    expect(other.body.items).toEqual([]);
    expect(
      (
        await svc.call('GET', '/api/v1/coupons/promotions/managed', {
          token: await tokenFor(randomUUID(), 'buyer'),
        })
      ).status,
    ).toBe(403);

    const first = await publicList(`?sellerId=${sellerId}&limit=2`);
    const next = await publicList(`?sellerId=${sellerId}&limit=2&cursor=${first.nextCursor}`);
    expect(next.nextCursor).toBeNull();
    expect([...first.items, ...next.items].map((p: { id: string }) => p.id)).toEqual(
      running.map((p) => p.id).reverse(),
    );
  });
});
