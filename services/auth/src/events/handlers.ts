import type { EventHandlers } from '@mp/platform';
import type { AuthContext } from '../context.ts';
import type { Database } from '../db/schema.ts';
import { openVerification } from '../domain/email-verification.ts';
import { forgetSessions, revokeSessions } from '../domain/sessions.ts';
import { erase } from '../domain/two-factor.ts';

/**
 * Accounts that may no longer sign in lose their sessions: suspended (by admin or a status change),
 * deleted, or whose password changed. Only sessions started before the change end, so a sign-in
 * made after it (a restored account, the new password) survives a late event.
 */
export function handlers({ deps, kek }: AuthContext): EventHandlers<Database> {
  const { events, dapr, log } = deps;
  return {
    // A sign-up whose email nothing proved yet gets a verification link (the inbox runs it once).
    'user.created': async (e, { trx }) => {
      if (e.data.emailVerified !== false) return;
      await openVerification(trx, deps, kek, { userId: e.data.userId, email: e.data.email });
    },
    'user.updated': async (e, { trx }) => {
      const d = e.data;
      const before = new Date(d.updatedAt);
      let ended: string[] = [];
      if (d.changes.includes('status') && (d.status === 'SUSPENDED' || d.status === 'DELETED')) {
        ended = await revokeSessions(
          trx,
          events,
          { userId: d.userId, before },
          d.status === 'SUSPENDED' ? 'suspended' : 'deleted',
        );
      } else if (d.changes.includes('password')) {
        ended = await revokeSessions(trx, events, { userId: d.userId, before }, 'password_changed');
      }
      await forgetSessions(dapr, log, ended);
    },
    'user.deleted': async (e, { trx }) => {
      const d = e.data;
      const ended = await revokeSessions(
        trx,
        events,
        { userId: d.userId, before: new Date(d.deletedAt) },
        'deleted',
      );
      // Nothing of a deleted account stays here: second factor, provider links, open resets and verifications.
      await erase(trx, d.userId);
      await trx.deleteFrom('external_identities').where('user_id', '=', d.userId).execute();
      await trx.deleteFrom('password_resets').where('user_id', '=', d.userId).execute();
      await trx.deleteFrom('email_verifications').where('user_id', '=', d.userId).execute();
      await forgetSessions(dapr, log, ended);
    },
    'admin.user.suspended': async (e, { trx }) => {
      const d = e.data;
      const ended = await revokeSessions(
        trx,
        events,
        { userId: d.userId, before: new Date(d.suspendedAt) },
        'suspended',
      );
      await forgetSessions(dapr, log, ended);
    },
  };
}
