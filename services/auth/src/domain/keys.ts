import { type Kysely, lockKey, newId } from '@mp/platform';
import { exportJWK, generateKeyPair, importJWK, type JWK, type KeyObject } from 'jose';
import type { Database } from '../db/schema.ts';
import { seal, unseal } from './sealing.ts';

export interface Signer {
  kid: string;
  key: KeyObject | CryptoKey | Uint8Array;
}

/**
 * The signing keys (ES256). One key signs; after `rotateAfterMs` a new one takes over and the old
 * one stays in the JWKS until `publishRetiredMs` (the access-token lifetime and then some) has passed.
 * Keys live in PostgreSQL so every replica signs with the same one.
 */
export class KeyRing {
  private signer?: Signer & { createdAt: number };
  private readonly db: Kysely<Database>;
  private readonly kek: Buffer;
  private readonly rotateAfterMs: number;
  private readonly publishRetiredMs: number;

  constructor(db: Kysely<Database>, kek: Buffer, rotateAfterMs: number, publishRetiredMs: number) {
    this.db = db;
    this.kek = kek;
    this.rotateAfterMs = rotateAfterMs;
    this.publishRetiredMs = publishRetiredMs;
  }

  /** The key that signs now, creating or rotating it when due (one replica at a time). */
  async current(): Promise<Signer> {
    if (this.signer && Date.now() - this.signer.createdAt < this.rotateAfterMs) return this.signer;
    const row = await this.db.transaction().execute(async (trx) => {
      await lockKey(trx, 'auth-signing-key');
      const active = await trx
        .selectFrom('signing_keys')
        .selectAll()
        .where('retired_at', 'is', null)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      // A key sealed under another key-encryption key (the KEK was replaced) cannot sign: rotate.
      const usable = active && this.canUnseal(active.sealed_private_jwk);
      if (active && usable && Date.now() - active.created_at.getTime() < this.rotateAfterMs) return active;
      const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
      const kid = newId();
      const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
      const fresh = await trx
        .insertInto('signing_keys')
        .values({
          kid,
          public_jwk: JSON.stringify(publicJwk),
          sealed_private_jwk: seal(this.kek, JSON.stringify(await exportJWK(privateKey))),
          retired_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (active)
        await trx
          .updateTable('signing_keys')
          .set({ retired_at: new Date() })
          .where('kid', '=', active.kid)
          .execute();
      return fresh;
    });
    const key = await importJWK(JSON.parse(unseal(this.kek, row.sealed_private_jwk)) as JWK, 'ES256');
    this.signer = { kid: row.kid, key, createdAt: row.created_at.getTime() };
    return this.signer;
  }

  private canUnseal(sealed: string): boolean {
    try {
      unseal(this.kek, sealed);
      return true;
    } catch {
      return false;
    }
  }

  /** The public keys a verifier may meet: the signing one and the retired ones still in use. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const rows = await this.db
      .selectFrom('signing_keys')
      .select(['public_jwk'])
      .where((eb) =>
        eb.or([
          eb('retired_at', 'is', null),
          eb('retired_at', '>', new Date(Date.now() - this.publishRetiredMs)),
        ]),
      )
      .orderBy('created_at', 'desc')
      .execute();
    return { keys: rows.map((r) => r.public_jwk as JWK) };
  }
}
