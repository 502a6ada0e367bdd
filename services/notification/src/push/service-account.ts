import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { z } from '@mp/platform';

/** The fields of a Google service-account key file (JSON) that FCM's OAuth flow needs. */
export const serviceAccountSchema = z.object({
  type: z.literal('service_account').optional(),
  project_id: z.string().min(1),
  private_key_id: z.string().min(1),
  private_key: z.string().includes('PRIVATE KEY'),
  client_email: z.string().min(3),
  token_uri: z.url().default('https://oauth2.googleapis.com/token'),
});
export type ServiceAccount = z.infer<typeof serviceAccountSchema>;

/** The OAuth scope FCM HTTP v1 asks for. */
export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

/**
 * A new RSA key as a service account for the FCM sandbox (local runs: scripts/stack/plan.ts keeps
 * one in the stack's secrets file; a local cluster's pod makes its own).
 */
export function sandboxServiceAccount(tokenUri: string, projectId = 'marketplace-local'): ServiceAccount {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    type: 'service_account',
    project_id: projectId,
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey,
    client_email: `notification@${projectId}.iam.gserviceaccount.com`,
    token_uri: tokenUri,
  };
}
