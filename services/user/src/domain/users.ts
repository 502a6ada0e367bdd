import {
  conflict,
  isId,
  type Kysely,
  newId,
  notFound,
  publishOptions,
  type Selectable,
  type ServiceDeps,
  sql,
  type Transaction,
} from '@mp/platform';
import type { Database, Role, UserStatus, UsersTable } from '../db/schema.ts';
import { hashPassword } from './passwords.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type Deps = Pick<ServiceDeps<Database>, 'db' | 'events'>;
export type UserRow = Selectable<UsersTable>;

export interface NewUser {
  email: string;
  password: string | null;
  name: string;
  phone: string | null;
  role: Role;
  /** The email is proven already (a provider verified it; the operator's admin account). */
  emailVerified?: boolean;
}

export const toUserDto = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  phone: u.phone,
  role: u.role,
  grade: u.grade,
  status: u.status,
  marketingConsent: u.marketing_consent,
  emailVerified: u.email_verified_at !== null,
  createdAt: u.created_at.toISOString(),
});

export const findLiveByEmail = (db: Db, email: string) =>
  db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .where('deleted_at', 'is', null)
    .executeTakeFirst();

/** Any account by id, deleted ones included (scrubbed). */
export const findById = (db: Db, id: string) =>
  isId(id)
    ? db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
    : Promise.resolve(undefined);

/** The accounts with these ids, in one statement (ids that are not ids, or have no account, are left out). */
export function findByIds(db: Db, ids: string[]): Promise<UserRow[]> {
  const wanted = [...new Set(ids.filter(isId))];
  return wanted.length
    ? db.selectFrom('users').selectAll().where(sql<boolean>`id = any(${wanted})`).execute()
    : Promise.resolve([]);
}

/** The caller's own live account; a deleted one is gone (404). */
export async function liveUser(db: Db, id: string, lock = false): Promise<UserRow> {
  if (!isId(id)) throw notFound('USER_NOT_FOUND', 'No such account');
  let q = db.selectFrom('users').selectAll().where('id', '=', id).where('deleted_at', 'is', null);
  if (lock) q = q.forUpdate();
  const user = await q.executeTakeFirst();
  if (!user) throw notFound('USER_NOT_FOUND', 'No such account');
  return user;
}

export const updated = async (
  trx: Transaction<Database>,
  deps: Deps,
  user: { id: string; status: UserStatus },
  changes: string[],
  at: Date,
) =>
  deps.events.publish(
    trx,
    'user.updated',
    { userId: user.id, changes, status: user.status, updatedAt: at.toISOString() },
    publishOptions('user', user.id, { userId: user.id }),
  );

/** Creates the account and its `user.created` event in one transaction; a taken email is a 409. */
export async function createUser(deps: Deps, input: NewUser): Promise<UserRow> {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const user = await trx
        .insertInto('users')
        .values({
          id: newId(),
          email: input.email,
          password_hash: passwordHash,
          name: input.name,
          phone: input.phone,
          role: input.role,
          suspended_at: null,
          suspended_reason: null,
          grade_evaluated_at: null,
          deleted_at: null,
          email_verified_at: input.emailVerified ? new Date() : null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await deps.events.publish(
        trx,
        'user.created',
        {
          userId: user.id,
          email: user.email,
          name: user.name,
          role: user.role,
          emailVerified: user.email_verified_at !== null,
          createdAt: user.created_at.toISOString(),
        },
        publishOptions('user', user.id, { userId: user.id }),
      );
      return user;
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      throw conflict('EMAIL_TAKEN', 'An account with this email exists');
    throw err;
  }
}

export interface ProfilePatch {
  name?: string | undefined;
  phone?: string | null | undefined;
  marketingConsent?: boolean | undefined;
}

/** Changes the profile; `user.updated` names the fields that changed (none changed, no event). */
export async function updateProfile(deps: Deps, userId: string, patch: ProfilePatch): Promise<UserRow> {
  return deps.db.transaction().execute(async (trx) => {
    const user = await liveUser(trx, userId, true);
    const set: { name?: string; phone?: string | null; marketing_consent?: boolean } = {};
    const changes: string[] = [];
    if (patch.name !== undefined && patch.name !== user.name) {
      set.name = patch.name;
      changes.push('name');
    }
    if (patch.phone !== undefined && patch.phone !== user.phone) {
      set.phone = patch.phone;
      changes.push('phone');
    }
    if (patch.marketingConsent !== undefined && patch.marketingConsent !== user.marketing_consent) {
      set.marketing_consent = patch.marketingConsent;
      changes.push('marketingConsent');
    }
    if (!changes.length) return user;
    const now = new Date();
    const row = await trx
      .updateTable('users')
      .set({ ...set, updated_at: now })
      .where('id', '=', userId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await updated(trx, deps, row, changes, now);
    return row;
  });
}

/**
 * Sets a new password (a change, or a reset confirmed by auth) and announces it. A confirmed reset
 * (`emailProven`) also proves the mailbox: the email counts as verified from then on.
 */
export async function setPassword(
  deps: Deps,
  userId: string,
  password: string,
  emailProven = false,
): Promise<void> {
  const hash = await hashPassword(password);
  await deps.db.transaction().execute(async (trx) => {
    const user = await liveUser(trx, userId, true);
    const now = new Date();
    const verifies = emailProven && user.email_verified_at === null;
    await trx
      .updateTable('users')
      .set({ password_hash: hash, updated_at: now, ...(verifies ? { email_verified_at: now } : {}) })
      .where('id', '=', user.id)
      .execute();
    await updated(trx, deps, user, verifies ? ['password', 'emailVerified'] : ['password'], now);
  });
}

/**
 * The account proved it owns its email (auth: a verification link confirmed). Repeating it is
 * harmless; the first time announces `emailVerified`.
 */
export async function markEmailVerified(deps: Deps, userId: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const user = await liveUser(trx, userId, true);
    if (user.email_verified_at !== null) return;
    const now = new Date();
    await trx
      .updateTable('users')
      .set({ email_verified_at: now, updated_at: now })
      .where('id', '=', user.id)
      .execute();
    await updated(trx, deps, user, ['emailVerified'], now);
  });
}
