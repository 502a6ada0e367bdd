import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientIpResolver } from '../src/client-ip.ts';
import { baseConfigSchema } from '../src/config.ts';

/** The address an app finds for a request from `peer` with this X-Forwarded-For. */
async function ipOf(trusted: string, peer: string, xff?: string, realIp?: string) {
  const app = new Hono();
  const clientIp = clientIpResolver(trusted);
  app.get('/', (c) => c.text(clientIp(c) ?? 'none'));
  const headers: Record<string, string> = {};
  if (xff) headers['x-forwarded-for'] = xff;
  if (realIp) headers['x-real-ip'] = realIp;
  const res = await app.request('/', { headers }, { incoming: { socket: { remoteAddress: peer } } });
  return res.text();
}

describe('client address by the trusted-proxy list', () => {
  it('ignores the headers of a peer that is not a trusted proxy (a forged header changes nothing)', async () => {
    expect(await ipOf('loopback', '203.0.113.9', '198.51.100.1', '198.51.100.2')).toBe('203.0.113.9');
  });

  it('takes the right-most address no trusted proxy stands for', async () => {
    // The client forged 1.2.3.4; the load balancer (10.0.1.5) appended the real client; ingress is 10.0.2.7.
    expect(await ipOf('10.0.0.0/16', '10.0.2.7', '1.2.3.4, 198.51.100.7, 10.0.1.5')).toBe('198.51.100.7');
    // Through the local gateway only the gateway is trusted.
    expect(await ipOf('loopback', '127.0.0.1', '1.2.3.4, 198.51.100.7')).toBe('198.51.100.7');
  });

  it('never reads X-Real-IP', async () => {
    expect(await ipOf('loopback', '127.0.0.1', '198.51.100.7', '1.2.3.4')).toBe('198.51.100.7');
  });

  it('refuses a list it cannot read, naming the variable', () => {
    const base = { DATABASE_URL: 'postgres://x@h/db', APP_API_TOKEN: 'x'.repeat(16) };
    expect(baseConfigSchema.safeParse({ ...base }).data?.TRUSTED_PROXIES).toBe('loopback');
    const bad = baseConfigSchema.safeParse({ ...base, TRUSTED_PROXIES: 'loopback, not-a-cidr' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['TRUSTED_PROXIES']);
  });
});
