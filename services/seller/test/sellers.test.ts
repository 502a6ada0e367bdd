import { randomUUID } from 'node:crypto';
import { ApiError } from '@mp/platform';
import { tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { application, applied, internal, sellerForFile, validBusinessNumber, verified } from './helpers.ts';

/** file's answer to `GET /internal/files/{id}`; `fileDown` makes it unreachable. */
const files = new Map<string, { ownerId: string; status: string; contentType: string }>();
let fileDown = false;

const svc = sellerForFile({
  invoke: new Proxy(
    {},
    {
      get: (_t, key) => {
        const m = typeof key === 'string' ? /^file GET \/internal\/files\/(.+)$/.exec(key) : null;
        if (!m) return undefined;
        return () => {
          if (fileDown) throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'file could not be reached');
          const f = files.get(decodeURIComponent(m[1]!));
          if (!f) throw new ApiError(404, 'FILE_NOT_FOUND', 'No such file');
          return {
            fileId: m[1],
            size: 1000,
            purpose: 'store-logo',
            filename: 'logo.png',
            url: 'http://x',
            variants: {},
            width: null,
            height: null,
            createdAt: '2026-01-01T00:00:00.000Z',
            ...f,
          };
        };
      },
    },
  ),
});

describe('applying (입점 신청)', () => {
  it('creates a PENDING application and publishes seller.created', async () => {
    const { id, seller } = await applied(svc, {
      businessNumber: '1248100998'.replace(/^(\d{3})(\d{2})/, '$1-$2-'),
    });
    expect(seller).toMatchObject({
      sellerId: id,
      userId: id,
      status: 'PENDING',
      grade: 'NEW',
      businessNumber: '124-81-00998',
    });
    const [event] = (await svc.outbox('seller.created')).filter((e) => e.data.sellerId === id);
    expect(event!.data).toMatchObject({ userId: id, storeName: '무신사 스탠다드', status: 'PENDING' });
  });

  it('refuses an invalid 사업자등록번호, naming the field', async () => {
    const token = await tokenFor(randomUUID(), 'seller');
    const res = await svc.call('POST', '/api/v1/sellers', {
      token,
      body: application({ businessNumber: '123-45-67890' }),
    });
    expect([res.status, res.body.code]).toEqual([422, 'BUSINESS_NUMBER_INVALID']);
    expect(res.body.errors[0].path).toBe('businessNumber');
    const malformed = await svc.call('POST', '/api/v1/sellers', {
      token,
      body: application({ businessNumber: '12-3', storeName: '' }),
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'businessNumber',
      'storeName',
    ]);
  });

  it('is for seller accounts only', async () => {
    const res = await svc.call('POST', '/api/v1/sellers', {
      token: await tokenFor(randomUUID(), 'buyer'),
      body: application(),
    });
    expect([res.status, res.body.code]).toEqual([403, 'ROLE_FORBIDDEN']);
    expect((await svc.call('POST', '/api/v1/sellers', { body: application() })).status).toBe(401);
  });

  it('refuses a second application and a 사업자등록번호 another store holds', async () => {
    const s = await applied(svc);
    const again = await svc.call('POST', '/api/v1/sellers', { token: s.token, body: application() });
    expect([again.status, again.body.code]).toEqual([409, 'SELLER_EXISTS']);
    const other = await svc.call('POST', '/api/v1/sellers', {
      token: await tokenFor(randomUUID(), 'seller'),
      body: application({ businessNumber: s.seller.businessNumber.replaceAll('-', '') }),
    });
    expect([other.status, other.body.code]).toEqual([409, 'BUSINESS_NUMBER_TAKEN']);
  });

  it('lets only one of many simultaneous applications take a number', async () => {
    const businessNumber = validBusinessNumber();
    const results = await Promise.all(
      Array.from({ length: 6 }, async () =>
        svc.call('POST', '/api/v1/sellers', {
          token: await tokenFor(randomUUID(), 'seller'),
          body: application({ businessNumber }),
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it('lets a rejected applicant apply again, and frees its number meanwhile', async () => {
    const s = await applied(svc);
    await svc.call('POST', `/internal/sellers/${s.id}/reject`, {
      headers: internal,
      body: { reason: '서류 미비', adminId: 'a-1' },
    });
    const me = await svc.call('GET', '/api/v1/sellers/me', { token: s.token });
    expect(me.body).toMatchObject({ status: 'REJECTED', rejectionReason: '서류 미비' });
    const again = await svc.call('POST', '/api/v1/sellers', {
      token: s.token,
      body: application({ storeName: '새 이름' }),
    });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ status: 'PENDING', storeName: '새 이름', rejectionReason: null });
  });
});

describe('my seller profile and store', () => {
  it('answers 404 before applying', async () => {
    const res = await svc.call('GET', '/api/v1/sellers/me', {
      token: await tokenFor(randomUUID(), 'seller'),
    });
    expect([res.status, res.body.code]).toEqual([404, 'SELLER_NOT_FOUND']);
  });

  it('changes the store and publishes store.updated naming the changes', async () => {
    const s = await verified(svc);
    const res = await svc.call('PATCH', '/api/v1/sellers/me/store', {
      token: s.token,
      body: { storeName: '무신사 우먼', description: '여성 의류', csPhone: null },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ storeName: '무신사 우먼', description: '여성 의류', csPhone: null });
    const [event] = (await svc.outbox('store.updated')).filter((e) => e.data.sellerId === s.id);
    expect(event!.data).toMatchObject({
      storeName: '무신사 우먼',
      changes: ['storeName', 'description', 'csPhone'],
    });
    const bad = await svc.call('PATCH', '/api/v1/sellers/me/store', {
      token: s.token,
      body: { businessNumber: '1' },
    });
    expect(bad.status).toBe(400);
  });

  it('takes only its own uploaded image as the logo', async () => {
    const s = await verified(svc);
    files.set('f-mine', { ownerId: s.id, status: 'READY', contentType: 'image/png' });
    files.set('f-theirs', { ownerId: randomUUID(), status: 'READY', contentType: 'image/png' });
    files.set('f-pending', { ownerId: s.id, status: 'PENDING', contentType: 'image/png' });
    files.set('f-pdf', { ownerId: s.id, status: 'READY', contentType: 'application/pdf' });
    const logo = (logoFileId: string) =>
      svc.call('PATCH', '/api/v1/sellers/me/store', { token: s.token, body: { logoFileId } });
    for (const id of ['f-theirs', 'f-pending', 'f-pdf', 'f-none']) {
      const res = await logo(id);
      expect([res.status, res.body.code], id).toEqual([422, 'LOGO_INVALID']);
    }
    fileDown = true;
    expect((await logo('f-mine')).status).toBe(503);
    fileDown = false;
    expect((await logo('f-mine')).body.logoFileId).toBe('f-mine');
  });

  it('does not let a suspended store change', async () => {
    const s = await verified(svc);
    await svc.call('POST', `/internal/sellers/${s.id}/suspend`, {
      headers: internal,
      body: { reason: '허위 광고' },
    });
    const res = await svc.call('PATCH', '/api/v1/sellers/me/store', {
      token: s.token,
      body: { storeName: 'x' },
    });
    expect([res.status, res.body.code]).toEqual([409, 'SELLER_NOT_ACTIVE']);
  });

  it('shows a verified store to anyone, and no other', async () => {
    const pending = await applied(svc);
    const live = await verified(svc);
    expect((await svc.call('GET', `/api/v1/sellers/${pending.id}/store`)).status).toBe(404);
    expect((await svc.call('GET', '/api/v1/sellers/not-an-id/store')).status).toBe(404);
    const res = await svc.call('GET', `/api/v1/sellers/${live.id}/store`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      sellerId: live.id,
      storeName: '무신사 스탠다드',
      representative: '조만호',
    });
    expect(res.body).not.toHaveProperty('status');
  });
});

describe('status changes (internal, for admin and product)', () => {
  it('GET /internal/sellers/{id} answers the seller and its status, 404 SELLER_NOT_FOUND otherwise', async () => {
    const s = await applied(svc);
    const res = await svc.call('GET', `/internal/sellers/${s.id}`, { headers: internal });
    expect(res.body).toEqual({
      sellerId: s.id,
      userId: s.id,
      status: 'PENDING',
      storeName: '무신사 스탠다드',
      grade: 'NEW',
      business: {
        businessNumber: expect.stringMatching(/^\d{3}-\d{2}-\d{5}$/),
        representative: '조만호',
        mailOrderNumber: '2024-서울성동-01234',
        businessAddress: null,
      },
    });
    const missing = await svc.call('GET', `/internal/sellers/${randomUUID()}`, { headers: internal });
    expect([missing.status, missing.body.code]).toEqual([404, 'SELLER_NOT_FOUND']);
    expect((await svc.call('GET', `/internal/sellers/${s.id}`)).status).toBe(403);
  });

  it('approves once (seller.verified), suspends (seller.suspended) and approves again', async () => {
    const s = await applied(svc);
    const a1 = await svc.call('POST', `/internal/sellers/${s.id}/approve`, {
      headers: internal,
      body: { adminId: 'a-9' },
    });
    await svc.call('POST', `/internal/sellers/${s.id}/approve`, {
      headers: internal,
      body: { adminId: 'a-9' },
    });
    expect(a1.body).toMatchObject({ status: 'VERIFIED' });
    expect(
      (await svc.outbox('seller.verified'))
        .filter((e) => e.data.sellerId === s.id)
        .map((e) => e.data.verifiedBy),
    ).toEqual(['a-9']);
    const susp = await svc.call('POST', `/internal/sellers/${s.id}/suspend`, {
      headers: internal,
      body: { reason: '허위 광고' },
    });
    expect(susp.body).toMatchObject({ status: 'SUSPENDED', suspensionReason: '허위 광고' });
    const [event] = (await svc.outbox('seller.suspended')).filter((e) => e.data.sellerId === s.id);
    expect(event!.data.reason).toBe('허위 광고');
    expect(
      (await svc.call('POST', `/internal/sellers/${s.id}/approve`, { headers: internal, body: {} })).body
        .status,
    ).toBe('VERIFIED');
  });

  it('rejects only a pending application, announcing it with the reason', async () => {
    const s = await applied(svc);
    const res = await svc.call('POST', `/internal/sellers/${s.id}/reject`, {
      headers: internal,
      body: { reason: '서류 미비' },
    });
    expect(res.body.status).toBe('REJECTED');
    const [event] = (await svc.outbox('store.updated')).filter((e) => e.data.sellerId === s.id);
    expect(event!.data).toMatchObject({ status: 'REJECTED', reason: '서류 미비' });
    const v = await verified(svc);
    const refused = await svc.call('POST', `/internal/sellers/${v.id}/reject`, {
      headers: internal,
      body: { reason: 'x' },
    });
    expect([refused.status, refused.body.code]).toEqual([409, 'INVALID_TRANSITION']);
    const noReason = await svc.call('POST', `/internal/sellers/${v.id}/suspend`, {
      headers: internal,
      body: {},
    });
    expect(noReason.status).toBe(400);
    expect(
      (await svc.call('POST', `/internal/sellers/${randomUUID()}/approve`, { headers: internal, body: {} }))
        .status,
    ).toBe(404);
  });

  it('lists applications by status, newest first, in keyset pages', async () => {
    const a = await applied(svc);
    const b = await applied(svc);
    const c = await applied(svc);
    const p1 = await svc.call('GET', '/internal/sellers?status=PENDING&limit=2', { headers: internal });
    const p2 = await svc.call(
      'GET',
      `/internal/sellers?status=PENDING&limit=2&cursor=${p1.body.nextCursor}`,
      { headers: internal },
    );
    const ids = [...p1.body.items, ...p2.body.items].map((s: { sellerId: string }) => s.sellerId);
    expect(ids.indexOf(c.id)).toBeLessThan(ids.indexOf(b.id));
    expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
    expect(p1.body.items.every((s: { status: string }) => s.status === 'PENDING')).toBe(true);
  });
});
