import { describe, expect, it } from 'vitest';
import { UnlistedCallError } from '../src/dapr.ts';
import { withoutSidecar } from '../src/testing/index.ts';

describe('invoke takes only the listed synchronous calls', () => {
  const dapr = withoutSidecar(
    { 'user PUT /internal/users/u-1/password': () => ({ ok: true }) },
    {},
    'review',
  );
  const auth = withoutSidecar({ 'user PUT /internal/users/u-1/password': () => ({ ok: true }) }, {}, 'auth');

  it('refuses a call its caller is not listed for, before anything is sent', async () => {
    await expect(
      dapr.invoke('user', '/internal/users/u-1/password', { method: 'PUT', body: {} }),
    ).rejects.toBeInstanceOf(UnlistedCallError);
    expect(dapr.calls).toHaveLength(0);
  });

  it('refuses a listed path with another method', async () => {
    await expect(auth.invoke('user', '/internal/users/u-1/password', { body: {} })).rejects.toThrow(
      /not in the list of synchronous calls/,
    );
  });

  it('sends a listed call', async () => {
    expect(await auth.invoke('user', '/internal/users/u-1/password', { method: 'PUT', body: {} })).toEqual({
      ok: true,
    });
  });
});
