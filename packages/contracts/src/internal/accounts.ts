/**
 * The accounts' synchronous calls: user keeps the accounts, auth the use of their credentials.
 * The callee's route and every caller use these schemas (calls.ts attaches them to the calls).
 */
import { z } from 'zod';
import { pageOf, pageQuery, role } from '../primitives.ts';

export const accountStatus = z.enum(['ACTIVE', 'SUSPENDED', 'DELETED']);

/** What other services learn about an account (a deleted one: status DELETED and no personal data). */
export const internalUser = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  role,
  status: accountStatus,
  emailVerified: z.boolean(),
});
export type InternalUser = z.output<typeof internalUser>;

/** Several accounts at once (notification: the recipients of a delivered batch of events). */
export const userBatchRequest = z.object({ userIds: z.array(z.string().max(64)).min(1).max(200) });
/** The accounts found, in no particular order; an id with no account is left out. */
export const userBatch = z.object({ users: z.array(internalUser) });

/** An account as the back office sees it. */
export const adminUser = internalUser.extend({
  grade: z.string(),
  hasPassword: z.boolean(),
  createdAt: z.string(),
  suspendedReason: z.string().nullable(),
});

export const credentials = z.object({ email: z.string().max(254), password: z.string().max(128) });
export const verifiedCredentials = z.object({
  userId: z.string(),
  role,
  status: accountStatus,
  email: z.string(),
});

export const userLookup = z.object({ email: z.string().max(254) });
/** The live account with this email (auth: password reset). */
export const lookedUpUser = internalUser.extend({ hasPassword: z.boolean() });

export const externalIdentity = z.object({
  email: z.email().max(254),
  emailVerified: z.boolean(),
  name: z.string().trim().min(1).max(50),
});
/** `takenOver`: a never-verified password account whose password user removed. */
export const externalAccount = internalUser.extend({ created: z.boolean(), takenOver: z.boolean() });

export const newPassword = z.object({ password: z.string().min(8, 'at least 8 characters').max(128) });

/** The back office's suspension or restoration of an account, by whom and why. */
export const accountStatusChange = z.object({
  reason: z.string().trim().min(1).max(500).optional(),
  adminId: z.string().max(64).optional(),
});
export const changedAdminUser = adminUser.extend({ changed: z.boolean() });

export const userListQuery = pageQuery.extend({
  status: accountStatus.optional(),
  role: role.optional(),
  q: z.string().trim().min(1).max(100).optional(),
});

/** A token auth hands notification to mail (a password reset's, an email verification's). */
export const openToken = z.object({ token: z.string(), expiresAt: z.string() });
export const userPage = pageOf(adminUser);
