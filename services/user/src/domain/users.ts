import { conflict, type Kysely, newId, type ServiceDeps, type Transaction } from '@mp/platform';
import type { Database, UsersTable } from '../db/schema.ts';
import { hashPassword } from './passwords.ts';

export interface NewUser {
  email: string;
  password: string | null;
  name: string;
  phone: string | null;
  role: UsersTable['role'];
}

export const toUserDto = (u: {
  id: string;
  email: string;
  name: string;
  role: string;
  grade: string;
  phone: string | null;
  status: string;
  created_at: Date;
}) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  phone: u.phone,
  role: u.role as UsersTable['role'],
  grade: u.grade,
  status: u.status,
  createdAt: u.created_at.toISOString(),
});

export const findLiveByEmail = (db: Kysely<Database> | Transaction<Database>, email: string) =>
  db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .where('deleted_at', 'is', null)
    .executeTakeFirst();

/** Creates the account and its `user.created` event in one transaction; a taken email is a 409. */
export async function createUser(
  { db, events }: Pick<ServiceDeps<Database>, 'db' | 'events'>,
  input: NewUser,
) {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  try {
    return await db.transaction().execute(async (trx) => {
      const user = await trx
        .insertInto('users')
        .values({
          id: newId(),
          email: input.email,
          password_hash: passwordHash,
          name: input.name,
          phone: input.phone,
          role: input.role,
          deleted_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await events.publish(
        trx,
        'user.created',
        {
          userId: user.id,
          email: user.email,
          name: user.name,
          role: user.role,
          createdAt: user.created_at.toISOString(),
        },
        { userId: user.id, aggregateKey: `user:${user.id}` },
      );
      return user;
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      throw conflict('EMAIL_TAKEN', 'An account with this email exists');
    throw err;
  }
}
