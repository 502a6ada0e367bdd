import { ApiError } from '@mp/platform';
import { tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminForFile } from './helpers.ts';

/** notification's internal template routes as its own tests prove them: the calls are kept, refusals thrown. */
const seen: { key: string; body: any }[] = [];
const detail = (versions: number[]) => ({
  template: 'payment-completed',
  description: '결제 완료',
  variables: [{ name: 'orderId', description: '주문번호', sample: '0193' }],
  channels: [],
  versions: versions.map((v) => ({
    channel: 'SMS',
    version: v,
    content: { text: '{{orderId}} 결제' },
    active: v === versions[0],
    createdBy: 'admin-9',
    createdAt: '2026-01-01T00:00:00.000Z',
  })),
  changes: [],
});
const notification = {
  'notification GET /internal/templates': () => ({ items: [detail([])] }),
  'notification GET /internal/templates/payment-completed': () => detail([1]),
  'notification GET /internal/templates/nope': () => {
    throw new ApiError(404, 'TEMPLATE_NOT_FOUND', 'No template nope');
  },
  'notification PUT /internal/templates/payment-completed/SMS': (body: any) => {
    seen.push({ key: 'put', body });
    if (body.text.includes('{{coupon}}'))
      throw new ApiError(400, 'VALIDATION_FAILED', 'The template is not valid', {
        errors: [{ path: 'text', message: 'unknown placeholder {{coupon}}' }],
      });
    return detail([2, 1]);
  },
  'notification POST /internal/templates/payment-completed/preview': (body: any) => {
    seen.push({ key: 'preview', body });
    return {
      template: 'payment-completed',
      channel: body.channel,
      version: null,
      rendered: { text: 'x', bytes: 1, kind: 'SMS' },
    };
  },
  'notification POST /internal/templates/payment-completed/SMS/rollback': (body: any) => {
    seen.push({ key: 'rollback', body });
    if (body.version === 9) throw new ApiError(404, 'TEMPLATE_VERSION_NOT_FOUND', 'no version 9');
    return detail([2, 1]);
  },
  'notification POST /internal/templates/payment-completed/SMS/disable': (body: any) => {
    seen.push({ key: 'disable', body });
    return detail([2, 1]);
  },
};

let admin: string;
const base = '/api/v1/admin/notification-templates';
const svc = adminForFile({ invoke: notification });
beforeAll(async () => {
  admin = await tokenFor('admin-9', 'admin');
});

describe('알림 템플릿 관리, forwarded to notification through Dapr', () => {
  it('lists and shows templates', async () => {
    const list = await svc.call('GET', base, { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.items[0].template).toBe('payment-completed');
    expect((await svc.call('GET', `${base}/payment-completed`, { token: admin })).body.versions).toHaveLength(
      1,
    );
    const missing = await svc.call('GET', `${base}/nope`, { token: admin });
    expect([missing.status, missing.body.code]).toEqual([404, 'TEMPLATE_NOT_FOUND']);
  });

  it('saves, previews, rolls back and disables in the name of the signed-in admin', async () => {
    const saved = await svc.call('PUT', `${base}/payment-completed/SMS`, {
      token: admin,
      body: { text: '{{orderId}} 결제' },
    });
    expect(saved.status).toBe(200);
    expect(seen.at(-1)).toEqual({ key: 'put', body: { text: '{{orderId}} 결제', adminId: 'admin-9' } });
    const shown = await svc.call('POST', `${base}/payment-completed/preview`, {
      token: admin,
      body: { channel: 'SMS', content: { text: '{{orderId}}' }, data: { orderId: 'A-1' } },
    });
    expect(shown.body.rendered.kind).toBe('SMS');
    expect(seen.at(-1)!.body).toEqual({
      channel: 'SMS',
      content: { text: '{{orderId}}' },
      data: { orderId: 'A-1' },
    });
    await svc.call('POST', `${base}/payment-completed/SMS/rollback`, { token: admin, body: { version: 1 } });
    expect(seen.at(-1)).toEqual({ key: 'rollback', body: { version: 1, adminId: 'admin-9' } });
    await svc.call('POST', `${base}/payment-completed/SMS/disable`, { token: admin });
    expect(seen.at(-1)).toEqual({ key: 'disable', body: { adminId: 'admin-9' } });
  });

  it("passes notification's refusals on, naming the part and the placeholder", async () => {
    const bad = await svc.call('PUT', `${base}/payment-completed/SMS`, {
      token: admin,
      body: { text: '{{coupon}}' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'text', message: 'unknown placeholder {{coupon}}' }]);
    const gone = await svc.call('POST', `${base}/payment-completed/SMS/rollback`, {
      token: admin,
      body: { version: 9 },
    });
    expect([gone.status, gone.body.code]).toEqual([404, 'TEMPLATE_VERSION_NOT_FOUND']);
  });

  it('names a bad channel, a missing version and a too-long part itself', async () => {
    const channel = await svc.call('PUT', `${base}/payment-completed/FAX`, {
      token: admin,
      body: { text: 'x' },
    });
    expect([channel.status, channel.body.errors[0].path]).toEqual([400, 'channel']);
    const version = await svc.call('POST', `${base}/payment-completed/SMS/rollback`, {
      token: admin,
      body: {},
    });
    expect([version.status, version.body.errors[0].path]).toEqual([400, 'version']);
    const long = await svc.call('PUT', `${base}/payment-completed/PUSH`, {
      token: admin,
      body: { title: 'x'.repeat(201), body: 'x' },
    });
    expect([long.status, long.body.errors[0].path]).toEqual([400, 'title']);
  });

  it('is for admins only: buyers and sellers get 403, anonymous callers 401', async () => {
    const before = seen.length;
    for (const role of ['buyer', 'seller'] as const) {
      const token = await tokenFor(`${role}-1`, role);
      expect((await svc.call('GET', base, { token })).status).toBe(403);
      expect(
        (await svc.call('PUT', `${base}/payment-completed/SMS`, { token, body: { text: 'x' } })).status,
      ).toBe(403);
      expect(
        (await svc.call('POST', `${base}/payment-completed/preview`, { token, body: { channel: 'SMS' } }))
          .status,
      ).toBe(403);
      expect((await svc.call('POST', `${base}/payment-completed/SMS/disable`, { token })).status).toBe(403);
    }
    expect((await svc.call('GET', base)).status).toBe(401);
    expect(seen.length).toBe(before);
  });
});
