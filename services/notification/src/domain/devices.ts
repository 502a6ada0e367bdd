import { type Kysely, sql } from '@mp/platform';
import type { Database, Platform } from '../db/schema.ts';

const shape = (r: { token: string; platform: Platform; created_at: Date; updated_at: Date }) => ({
  token: r.token,
  platform: r.platform,
  registeredAt: r.created_at.toISOString(),
  lastSeenAt: r.updated_at.toISOString(),
});
export type Device = ReturnType<typeof shape>;

/**
 * Registers a device for push: the same token again refreshes it (idempotent), and a token another
 * user registered moves to this one (one app install, a new sign-in). Answers whether it is new here.
 */
export async function register(
  db: Kysely<Database>,
  who: { userId: string; role: string },
  token: string,
  platform: Platform,
) {
  const userId = who.userId;
  const row = await db
    .insertInto('devices')
    .values({ token, user_id: userId, platform, role: who.role })
    .onConflict((oc) =>
      oc.column('token').doUpdateSet({
        user_id: userId,
        platform,
        role: who.role,
        updated_at: sql`now()`,
        // A token that changes hands starts over as this user's device.
        created_at: sql`case when devices.user_id = ${userId} then devices.created_at else now() end`,
      }),
    )
    // New here: inserted, or moved from another user (both stamps are this statement's now()).
    .returning([
      'token',
      'platform',
      'created_at',
      'updated_at',
      sql<boolean>`created_at = updated_at`.as('new'),
    ])
    .executeTakeFirstOrThrow();
  return { device: shape(row), created: row.new };
}

export const devicesOf = async (db: Kysely<Database>, userId: string) =>
  (
    await db
      .selectFrom('devices')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('token')
      .execute()
  ).map(shape);

/** Removes one of the user's devices; another user's token is not theirs to remove (false). */
export async function unregister(db: Kysely<Database>, userId: string, token: string): Promise<boolean> {
  const r = await db
    .deleteFrom('devices')
    .where('token', '=', token)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}
