import type { Generated, PlatformTables } from '@mp/platform';

export type UserStatus = 'ACTIVE' | 'SUSPENDED' | 'DELETED';

/** users_db.users (seed 1.2). */
export interface UsersTable {
  id: string;
  email: string;
  /** argon2id; null for accounts that only sign in through an OIDC provider. */
  password_hash: string | null;
  name: string;
  phone: string | null;
  role: 'buyer' | 'seller' | 'admin';
  status: Generated<UserStatus>;
  grade: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
}

/** The tables of the user service's schema (`users`). */
export interface Database extends PlatformTables {
  users: UsersTable;
}
