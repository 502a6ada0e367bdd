import type { ServiceDeps, Worker } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { createUser, findLiveByEmail } from './users.ts';

/**
 * The first admin account, from ADMIN_EMAIL / ADMIN_PASSWORD (contract: local conveniences; on a
 * cluster the values come from a secret). Created once; an existing account is left as it is, but
 * for its email, which counts as verified (the operator configured it; an admin made before email
 * verification existed would otherwise be asked to verify it).
 */
export function adminBootstrap(
  deps: ServiceDeps<Database, { ADMIN_EMAIL?: string; ADMIN_PASSWORD?: string }>,
): Worker {
  return {
    name: 'admin-bootstrap',
    async start() {
      const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = deps.config;
      if (!email || !password) return;
      const existing = await findLiveByEmail(deps.db, email);
      if (existing) {
        if (existing.role === 'admin' && !existing.email_verified_at)
          await deps.db
            .updateTable('users')
            .set({ email_verified_at: new Date() })
            .where('id', '=', existing.id)
            .execute();
        return;
      }
      try {
        await createUser(deps, {
          email,
          password,
          name: '관리자',
          phone: null,
          role: 'admin',
          emailVerified: true,
        });
        deps.log.info({ email }, 'admin account created');
      } catch (err) {
        if ((err as { code?: string }).code !== 'EMAIL_TAKEN') throw err;
      }
    },
    async stop() {},
  };
}
