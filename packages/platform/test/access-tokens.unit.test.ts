import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../src/auth.ts';

/** A key set holding an ES256 and an Ed25519 key, so only the verifier's own rules can refuse. */
async function setup() {
  const es = await generateKeyPair('ES256');
  const ed = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const keys = [
    { ...(await exportJWK(es.publicKey)), kid: 'es', alg: 'ES256' },
    { ...(await exportJWK(ed.publicKey)), kid: 'ed', alg: 'EdDSA' },
  ];
  const verifier = createTokenVerifier({ jwks: createLocalJWKSet({ keys }), issuer: 'iss', audience: 'aud' });
  const sign = (header: { alg: string; kid: string; typ?: string }) =>
    new SignJWT({ role: 'buyer', sid: 's-1' })
      .setProtectedHeader(header)
      .setSubject('u-1')
      .setIssuer('iss')
      .setAudience('aud')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(header.alg === 'EdDSA' ? ed.privateKey : es.privateKey);
  return { verifier, sign };
}

describe('access token verification', () => {
  it('accepts an ES256 token of type at+jwt', async () => {
    const { verifier, sign } = await setup();
    expect(await verifier.verify(await sign({ alg: 'ES256', kid: 'es', typ: 'at+jwt' }))).toMatchObject({
      userId: 'u-1',
      role: 'buyer',
    });
  });

  it('refuses a token of another typ, or none', async () => {
    const { verifier, sign } = await setup();
    for (const typ of ['JWT', 'id_token+jwt', undefined]) {
      await expect(
        verifier.verify(await sign({ alg: 'ES256', kid: 'es', ...(typ ? { typ } : {}) })),
      ).rejects.toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
    }
  });

  it('refuses a token signed EdDSA, even by a key in the set', async () => {
    const { verifier, sign } = await setup();
    await expect(
      verifier.verify(await sign({ alg: 'EdDSA', kid: 'ed', typ: 'at+jwt' })),
    ).rejects.toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
  });
});

describe('verified tokens kept for a while (cache)', () => {
  /** A verifier over one ES256 key that counts the key look-ups (one per signature check). */
  async function cached(opts: { maxAgeMs?: number; maxEntries?: number; revoked?: Set<string> } = {}) {
    const es = await generateKeyPair('ES256');
    const local = createLocalJWKSet({
      keys: [{ ...(await exportJWK(es.publicKey)), kid: 'es', alg: 'ES256' }],
    });
    let checks = 0;
    const verifier = createTokenVerifier({
      jwks: (header, token) => {
        checks++;
        return local(header, token);
      },
      issuer: 'iss',
      audience: 'aud',
      isRevoked: async (p) => opts.revoked?.has(p.sessionId) ?? false,
      cache: { maxAgeMs: opts.maxAgeMs ?? 60_000, maxEntries: opts.maxEntries ?? 100 },
    });
    const sign = (sid: string, exp: string | number = '5m') =>
      new SignJWT({ role: 'buyer', sid })
        .setProtectedHeader({ alg: 'ES256', kid: 'es', typ: 'at+jwt' })
        .setSubject('u-1')
        .setIssuer('iss')
        .setAudience('aud')
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(es.privateKey);
    return { verifier, sign, checks: () => checks };
  }

  it('checks a token’s signature once, and its session on every request', async () => {
    const revoked = new Set<string>();
    const { verifier, sign, checks } = await cached({ revoked });
    const token = await sign('s-1');
    for (let i = 0; i < 3; i++) expect(await verifier.verify(token)).toMatchObject({ userId: 'u-1' });
    expect(checks()).toBe(1);
    revoked.add('s-1');
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 401, code: 'SESSION_REVOKED' });
  });

  it('checks a token once for requests that arrive together, and refuses them all if it fails', async () => {
    const { verifier, sign, checks } = await cached();
    const token = await sign('s-1');
    const answers = await Promise.all(Array.from({ length: 5 }, () => verifier.verify(token)));
    expect(answers.map((p) => p.userId)).toEqual(Array(5).fill('u-1'));
    expect(checks()).toBe(1);
    const forged = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const refused = await Promise.allSettled(Array.from({ length: 3 }, () => verifier.verify(forged)));
    expect(refused.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(checks()).toBe(2);
    // A failed check is not kept: the next request checks again.
    await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    expect(checks()).toBe(3);
  });

  it('never keeps a token past its expiry, nor past maxAgeMs', async () => {
    const { verifier, sign, checks } = await cached({ maxAgeMs: 100 });
    const shortLived = await sign('s-1', Math.floor(Date.now() / 1000) + 1);
    await verifier.verify(shortLived);
    await new Promise((r) => setTimeout(r, 1100));
    await expect(verifier.verify(shortLived)).rejects.toMatchObject({ status: 401, code: 'TOKEN_EXPIRED' });
    const token = await sign('s-2');
    await verifier.verify(token);
    await new Promise((r) => setTimeout(r, 150));
    await verifier.verify(token);
    // The expired token was checked again (and refused), the other one twice.
    expect(checks()).toBe(4);
  });

  it('keeps no token that failed, and no more than maxEntries', async () => {
    const { verifier, sign, checks } = await cached({ maxEntries: 2 });
    const token = await sign('s-1');
    const forged = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    for (let i = 0; i < 2; i++)
      await expect(verifier.verify(forged)).rejects.toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
    expect(checks()).toBe(2);
    const [a, b, c] = [await sign('a'), await sign('b'), await sign('c')];
    for (const t of [a, b, c, c, b]) await verifier.verify(t);
    expect(checks()).toBe(5); // a, b, c checked; c and b kept
    await verifier.verify(a); // a was the oldest and went first
    expect(checks()).toBe(6);
  });
});
