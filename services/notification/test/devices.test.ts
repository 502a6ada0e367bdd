import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { account, notificationForFile } from './helpers.ts';

const svc = notificationForFile();

const register = async (who: { token: () => Promise<string> }, body: unknown) =>
  svc.call('POST', '/api/v1/notifications/devices', { token: await who.token(), body });
const list = async (who: { token: () => Promise<string> }) =>
  (await svc.call('GET', '/api/v1/notifications/devices', { token: await who.token() })).body.items as {
    token: string;
    platform: string;
  }[];

describe('device registration (기기 등록)', () => {
  it('registers once per token: a repeat refreshes it, a new platform replaces the old', async () => {
    const kim = account(svc);
    const token = `fcm-${randomUUID()}`;
    const first = await register(kim, { token, platform: 'ANDROID' });
    expect([first.status, first.body.token, first.body.platform]).toEqual([201, token, 'ANDROID']);
    const again = await register(kim, { token, platform: 'IOS' });
    expect([again.status, again.body.platform]).toEqual([200, 'IOS']);
    expect(again.body.registeredAt).toBe(first.body.registeredAt);
    expect(await list(kim)).toEqual([expect.objectContaining({ token, platform: 'IOS' })]);
  });

  it('moves a token to the user who registers it next (one install, another sign-in)', async () => {
    const kim = account(svc);
    const lee = account(svc);
    const token = `fcm-${randomUUID()}`;
    expect((await register(kim, { token, platform: 'WEB' })).status).toBe(201);
    expect((await register(lee, { token, platform: 'WEB' })).status).toBe(201);
    expect((await register(lee, { token, platform: 'WEB' })).status).toBe(200);
    expect(await list(kim)).toEqual([]);
    expect((await list(lee)).map((d) => d.token)).toEqual([token]);
  });

  it("lists only the caller's devices and answers 404 for another user's", async () => {
    const kim = account(svc);
    const lee = account(svc);
    const mine = [`fcm-a-${randomUUID()}`, `fcm-b-${randomUUID()}`];
    for (const token of mine) await register(kim, { token, platform: 'ANDROID' });
    expect((await list(kim)).map((d) => d.token).sort()).toEqual(mine.sort());
    const foreign = await svc.call('DELETE', `/api/v1/notifications/devices/${mine[0]}`, {
      token: await lee.token(),
    });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'DEVICE_NOT_FOUND']);
    const gone = await svc.call('DELETE', `/api/v1/notifications/devices/${mine[0]}`, {
      token: await kim.token(),
    });
    expect(gone.status).toBe(204);
    expect((await list(kim)).map((d) => d.token)).toEqual([mine[1]]);
    const twice = await svc.call('DELETE', `/api/v1/notifications/devices/${mine[0]}`, {
      token: await kim.token(),
    });
    expect(twice.status).toBe(404);
  });

  it('refuses a malformed registration with problem+json naming the field, and an anonymous caller', async () => {
    const kim = account(svc);
    const cases: [unknown, string][] = [
      [{ token: `fcm-${randomUUID()}`, platform: 'SYMBIAN' }, 'platform'],
      [{ platform: 'ANDROID' }, 'token'],
      [{ token: 'has spaces in it', platform: 'ANDROID' }, 'token'],
      [{ token: 'short', platform: 'IOS' }, 'token'],
    ];
    for (const [body, path] of cases) {
      const res = await register(kim, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect(await list(kim)).toEqual([]);
    const anonymous = await svc.call('POST', '/api/v1/notifications/devices', {
      body: { token: `fcm-${randomUUID()}`, platform: 'ANDROID' },
    });
    expect(anonymous.status).toBe(401);
  });
});
