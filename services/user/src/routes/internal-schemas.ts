import { z } from '@mp/platform';
import type { UserRow } from '../domain/users.ts';

// What other services learn about an account, and the back office's view of one, are the
// contracts' (packages/contracts/src/internal/accounts.ts): these routes and their callers share them.

export const toInternal = (u: UserRow) => ({
  userId: u.id,
  email: u.email,
  name: u.name,
  phone: u.phone,
  role: u.role,
  status: u.status,
  emailVerified: u.email_verified_at !== null,
});
export const toAdmin = (u: UserRow) => ({
  ...toInternal(u),
  grade: u.grade,
  hasPassword: u.password_hash !== null,
  createdAt: u.created_at.toISOString(),
  suspendedReason: u.suspended_reason,
});

export const userIdParam = z.object({ userId: z.string().max(64) });
