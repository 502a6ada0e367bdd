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
