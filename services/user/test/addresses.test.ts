import { describe, expect, it } from 'vitest';
import { signUp, userForFile } from './helpers.ts';

const svc = userForFile();

const home = {
  label: '집',
  recipient: '김철수',
  phone: '010-1234-5678',
  address: '서울시 강남구 테헤란로 1',
  addressDetail: '101동 1001호',
  zipCode: '06234',
};
const office = {
  label: '회사',
  recipient: '김철수',
  phone: '02-123-4567',
  address: '서울시 중구 세종대로 110',
  zipCode: '04524',
};

const add = (token: string, body: object) => svc.call('POST', '/api/v1/users/me/addresses', { token, body });
const list = async (token: string) =>
  (await svc.call('GET', '/api/v1/users/me/addresses', { token })).body.items;
const defaults = async (token: string) =>
  (await list(token)).filter((a: { isDefault: boolean }) => a.isDefault).map((a: { id: string }) => a.id);

describe('addresses (배송지)', () => {
  it('makes the first address the default and publishes user.address.created', async () => {
    const kim = await signUp(svc);
    const res = await add(kim.token, { ...home, isDefault: false });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...home, isDefault: true });
    const [event] = (await svc.outbox('user.address.created')).filter((e) => e.data.userId === kim.id);
    expect(event!.data).toMatchObject({ addressId: res.body.id, isDefault: true });
  });

  it('moves the default when asked, keeping exactly one', async () => {
    const kim = await signUp(svc);
    const first = (await add(kim.token, home)).body;
    const second = (await add(kim.token, office)).body;
    expect(second.isDefault).toBe(false);
    expect(await defaults(kim.token)).toEqual([first.id]);
    const moved = await svc.call('PATCH', `/api/v1/users/me/addresses/${second.id}`, {
      token: kim.token,
      body: { isDefault: true, recipient: '박영희' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ isDefault: true, recipient: '박영희', zipCode: '04524' });
    expect(await defaults(kim.token)).toEqual([second.id]);
    const items = await list(kim.token);
    expect(items[0].id).toBe(second.id);
  });

  it('refuses to unset the default, naming the field', async () => {
    const kim = await signUp(svc);
    const first = (await add(kim.token, home)).body;
    const res = await svc.call('PATCH', `/api/v1/users/me/addresses/${first.id}`, {
      token: kim.token,
      body: { isDefault: false },
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'DEFAULT_ADDRESS_REQUIRED', errors: [{ path: 'isDefault' }] });
  });

  it('hands the default to the newest other address when the default is removed', async () => {
    const kim = await signUp(svc);
    const first = (await add(kim.token, home)).body;
    await add(kim.token, office);
    const third = (await add(kim.token, { ...office, label: '본가' })).body;
    expect(
      (await svc.call('DELETE', `/api/v1/users/me/addresses/${first.id}`, { token: kim.token })).status,
    ).toBe(204);
    expect(await defaults(kim.token)).toEqual([third.id]);
    expect(await list(kim.token)).toHaveLength(2);
  });

  it("answers 404 for another user's address, whatever the verb, and leaves it alone", async () => {
    const kim = await signUp(svc);
    const lee = await signUp(svc);
    const theirs = (await add(lee.token, home)).body;
    for (const [method, body] of [
      ['PATCH', { recipient: '도둑' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await svc.call(method, `/api/v1/users/me/addresses/${theirs.id}`, {
        token: kim.token,
        body,
      });
      expect(res.status, method).toBe(404);
      expect(res.body.code).toBe('ADDRESS_NOT_FOUND');
    }
    // A made-up id answers the same way, never a database error.
    expect(
      (await svc.call('DELETE', '/api/v1/users/me/addresses/not-a-uuid', { token: kim.token })).status,
    ).toBe(404);
    expect((await list(lee.token))[0]).toMatchObject({ id: theirs.id, recipient: '김철수' });
  });

  it('names every bad field', async () => {
    const kim = await signUp(svc);
    const res = await add(kim.token, {
      recipient: '',
      phone: '12-34',
      address: '',
      zipCode: '1234',
      extra: 1,
    });
    expect(res.status).toBe(400);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    for (const p of ['recipient', 'phone', 'address', 'zipCode']) expect(paths).toContain(p);
  });

  it('keeps exactly one default when many defaults are added at once', async () => {
    const kim = await signUp(svc);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => add(kim.token, { ...home, label: `곳${i}`, isDefault: true })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(await defaults(kim.token)).toHaveLength(1);
    expect(await list(kim.token)).toHaveLength(8);
  });

  it('caps the number of addresses', async () => {
    const kim = await signUp(svc);
    for (let i = 0; i < 20; i++)
      expect((await add(kim.token, { ...office, label: `${i}` })).status).toBe(201);
    const res = await add(kim.token, office);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('ADDRESS_LIMIT');
  });
});
