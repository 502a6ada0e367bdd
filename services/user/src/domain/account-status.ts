import { forbidden, publishOptions, unprocessable } from '@mp/platform';
import { type Deps, liveUser, type UserRow, updated } from './users.ts';

/**
 * Deletes the account (회원 탈퇴): soft, keeping the row for the orders that name it, with every
 * personal field scrubbed and the addresses removed. `user.deleted` makes auth end its sessions.
 */
export async function deleteAccount(deps: Deps, userId: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const user = await liveUser(trx, userId, true);
    if (user.role === 'admin')
      throw forbidden('ADMIN_CANNOT_DELETE', 'An admin account is removed by another admin');
    const now = new Date();
    await trx.deleteFrom('addresses').where('user_id', '=', user.id).execute();
    await trx
      .updateTable('users')
      .set({
        email: `deleted-${user.id}@deleted.invalid`,
        name: '탈퇴한 회원',
        phone: null,
        password_hash: null,
        marketing_consent: false,
        status: 'DELETED',
        deleted_at: now,
        updated_at: now,
      })
      .where('id', '=', user.id)
      .execute();
    await deps.events.publish(
      trx,
      'user.deleted',
      { userId: user.id, deletedAt: now.toISOString() },
      publishOptions('user', user.id, { userId: user.id }),
    );
  });
}

/** Suspends (정지) or restores an account for admin; repeating it changes nothing and publishes nothing. */
export async function setStatus(
  deps: Deps,
  userId: string,
  status: 'ACTIVE' | 'SUSPENDED',
  reason?: string,
): Promise<{ user: UserRow; changed: boolean }> {
  return deps.db.transaction().execute(async (trx) => {
    const user = await liveUser(trx, userId, true);
    if (user.role === 'admin' && status === 'SUSPENDED')
      throw unprocessable('ADMIN_NOT_SUSPENDABLE', 'An admin account cannot be suspended');
    if (user.status === status) return { user, changed: false };
    const now = new Date();
    const row = await trx
      .updateTable('users')
      .set({
        status,
        suspended_at: status === 'SUSPENDED' ? now : null,
        suspended_reason: status === 'SUSPENDED' ? (reason ?? null) : null,
        updated_at: now,
      })
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await updated(trx, deps, row, ['status'], now);
    return { user: row, changed: true };
  });
}
