/**
 * The local stack's secrets: per-app tokens, the key that seals auth's signing keys, the FCM
 * sandbox's service-account key. Made once and kept beside the databases they protect
 * (MP_SECRETS_FILE, set by scripts/lib/infra.sh), so a fresh checkout on the same machine opens the
 * same sealed keys; the runner, the end-to-end tests and the benchmarks read them from here.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ServiceName, serviceNames } from '@mp/contracts';
import { runDir } from './ports.ts';

export interface Secrets {
  /** Per app: what its sidecar sends it (APP_API_TOKEN). */
  appApiTokens: Record<ServiceName, string>;
  /** Per app: what it sends its sidecar (DAPR_API_TOKEN). */
  daprApiTokens: Record<ServiceName, string>;
  authKeyEncryptionKey: string;
  /** The FCM sandbox's service-account key (PKCS#8 PEM), as a Firebase project would issue one. */
  fcmPrivateKey: string;
  fcmPrivateKeyId: string;
}

const fcmKey = () => ({
  fcmPrivateKey: generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey,
  fcmPrivateKeyId: randomBytes(20).toString('hex'),
});

/** Where the secrets are kept. */
const secretsFile = () => process.env.MP_SECRETS_FILE ?? join(runDir, 'secrets.json');

/** One random token per app. */
const perApp = () =>
  Object.fromEntries(serviceNames.map((s) => [s, randomBytes(24).toString('hex')])) as Record<
    ServiceName,
    string
  >;

export function localSecrets(): Secrets {
  const file = secretsFile();
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;
    if (kept.fcmPrivateKey && kept.appApiTokens && kept.daprApiTokens) return kept as Secrets;
    // A secrets file made before push or before per-app tokens: add what is missing, keep the rest
    // (the old shared tokens stay, for an older checkout that reads the same file).
    const more = {
      ...kept,
      ...(kept.fcmPrivateKey ? {} : fcmKey()),
      appApiTokens: kept.appApiTokens ?? perApp(),
      daprApiTokens: kept.daprApiTokens ?? perApp(),
    } as Secrets;
    writeFileSync(file, JSON.stringify(more, null, 2), { mode: 0o600 });
    return more;
  }
  mkdirSync(dirname(file), { recursive: true });
  const secrets: Secrets = {
    appApiTokens: perApp(),
    daprApiTokens: perApp(),
    authKeyEncryptionKey: randomBytes(32).toString('base64'),
    ...fcmKey(),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
