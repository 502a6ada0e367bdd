import { z } from '@mp/platform';
import type { UserRow } from '../domain/users.ts';

export const role = z.enum(['buyer', 'seller', 'admin']);
export const status = z.enum(['ACTIVE', 'SUSPENDED', 'DELETED']);
/** Contract 2: what other services learn about an account. */
export const internalUser = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    role,
    status,
    emailVerified: z.boolean(),
  })
  .openapi('InternalUser');
export const adminUser = internalUser
  .extend({
    grade: z.string(),
    hasPassword: z.boolean(),
    createdAt: z.string(),
    suspendedReason: z.string().nullable(),
  })
  .openapi('AdminUser');

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
