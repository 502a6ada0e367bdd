import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceNames } from '@mp/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { localSecrets } from './secrets.ts';

describe('local secrets', () => {
  const before = process.env.MP_SECRETS_FILE;
  afterEach(() => {
    if (before === undefined) delete process.env.MP_SECRETS_FILE;
    else process.env.MP_SECRETS_FILE = before;
  });

  it('gives every app its own app token and sidecar token, no two alike', () => {
    process.env.MP_SECRETS_FILE = join(mkdtempSync(join(tmpdir(), 'mp-secrets-')), 'secrets.json');
    const s = localSecrets();
    const all = [
      ...serviceNames.map((n) => s.appApiTokens[n]),
      ...serviceNames.map((n) => s.daprApiTokens[n]),
    ];
    expect(all.every((t) => typeof t === 'string' && t.length >= 32)).toBe(true);
    expect(new Set(all).size).toBe(2 * serviceNames.length);
    // Kept: the next run reads the same tokens.
    expect(localSecrets()).toEqual(s);
  });

  it('adds per-app tokens to an older secrets file, keeping its other keys', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mp-secrets-')), 'secrets.json');
    process.env.MP_SECRETS_FILE = file;
    writeFileSync(
      file,
      JSON.stringify({
        appApiToken: 'shared-app',
        daprApiToken: 'shared-dapr',
        authKeyEncryptionKey: 'kek',
        fcmPrivateKey: 'pem',
        fcmPrivateKeyId: 'kid',
      }),
    );
    const s = localSecrets();
    expect(s.authKeyEncryptionKey).toBe('kek');
    expect(new Set(Object.values(s.appApiTokens)).size).toBe(serviceNames.length);
    expect(Object.values(s.appApiTokens)).not.toContain('shared-app');
    expect(JSON.parse(readFileSync(file, 'utf8')).authKeyEncryptionKey).toBe('kek');
  });
});
