/**
 * The security configuration of local runs is the cluster's: sidecars talk mTLS with identities
 * from Sentry, each callee's sidecar lets a caller invoke only the operations of the list of
 * synchronous calls, each app has its own tokens, the broker is scoped to the event catalog, and
 * a logged-out session is refused by every service.
 */
import { randomUUID } from 'node:crypto';
import { type ServiceName, serviceNames, services } from '@mp/contracts';
import { describe, expect, it } from 'vitest';
import { portsOf } from '../../scripts/stack/ports.ts';
import { account } from './identity-lib.ts';
import { api, eventually, localSecrets } from './lib.ts';

/** Invokes `callee` through `caller`'s own sidecar, with `caller`'s sidecar token. */
async function invokeAs(
  caller: ServiceName,
  callee: ServiceName,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetch(
    `http://127.0.0.1:${portsOf(caller).daprHttp}/v1.0/invoke/${callee}/method${path}`,
    {
      method,
      headers: {
        'dapr-api-token': localSecrets().daprApiTokens[caller],
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
  );
  return { status: res.status, text: await res.text() };
}

describe('service invocation under access control', () => {
  const password = `/internal/users/${randomUUID()}/password`;

  it("refuses at user's sidecar review setting a password, naming review's mTLS identity", async () => {
    const res = await invokeAs('review', 'user', 'PUT', password, { password: 'not-allowed-at-all' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('access control policy has denied access');
    expect(res.text).toContain('spiffe://public/ns/marketplace/review');
  });

  it('lets the listed caller through: auth may set a password (the app answers, here 404 for no such user)', async () => {
    const res = await invokeAs('auth', 'user', 'PUT', password, { password: 'a-long-new-password-1' });
    expect(res.status).not.toBe(403);
    expect(JSON.parse(res.text).code).toBeTruthy();
  });

  it("lets review read a file (a listed call) but not list users (another app's call)", async () => {
    const file = await invokeAs('review', 'file', 'GET', `/internal/files/${randomUUID()}`);
    expect(file.status).toBe(404);
    expect(JSON.parse(file.text).code).toBeTruthy();
    expect((await invokeAs('review', 'user', 'GET', '/internal/users')).status).toBe(403);
    // The same path with another verb is another operation.
    expect((await invokeAs('order', 'inventory', 'DELETE', '/internal/reservations')).status).toBe(403);
  });

  it("refuses one app's token at another app's port (each app has its own)", async () => {
    const secrets = localSecrets();
    const tokens = [...Object.values(secrets.appApiTokens), ...Object.values(secrets.daprApiTokens)];
    expect(new Set(tokens).size).toBe(2 * serviceNames.length);
    const res = await fetch(`http://127.0.0.1:${portsOf('user').app}${password}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'dapr-api-token': secrets.appApiTokens.review },
      body: JSON.stringify({ password: 'not-allowed-at-all' }),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('INTERNAL_ONLY');
  });
});

describe('the broker under the event catalog', () => {
  it("refuses review publishing user's event", async () => {
    const res = await fetch(
      `http://127.0.0.1:${portsOf('review').daprHttp}/v1.0/publish/pubsub/user.created`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'dapr-api-token': localSecrets().daprApiTokens.review,
        },
        body: JSON.stringify({ eventId: randomUUID(), eventType: 'user.created' }),
      },
    );
    expect(res.status).toBe(403);
  });
});

describe('session revocation', () => {
  it('refuses a logged-out access token at every service', async () => {
    const { token } = await account('buyer', 'revoked');
    const at = (name: ServiceName) => api('GET', services[name].prefixes[0]!, { token });
    for (const name of serviceNames) expect((await at(name)).status, name).not.toBe(401);

    expect((await api('POST', '/api/v1/auth/logout', { token })).status).toBe(204);
    await eventually(
      async () => {
        const answers = await Promise.all(serviceNames.map(async (name) => ({ name, res: await at(name) })));
        const accepting = answers.filter(
          (a) => a.res.status !== 401 || a.res.body.code !== 'SESSION_REVOKED',
        );
        return accepting.length === 0 ? true : undefined;
      },
      20_000,
      'every service refusing the logged-out session',
    );
  });
});
