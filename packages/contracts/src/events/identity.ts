import { z } from 'zod';
import { at, id, role } from '../primitives.ts';

// Auth
export const authUserLogin = z.object({
  userId: id,
  sessionId: id,
  method: z.enum(['password', 'oidc']),
  provider: z.string().optional(),
  ip: z.string().optional(),
  loggedInAt: at,
});
export const authUserLogout = z.object({
  userId: id,
  sessionId: id,
  loggedOutAt: at,
  /** Why the session ended: the user signed out, or auth ended it. */
  reason: z
    .enum([
      'logout',
      'revoked',
      'refresh_reuse',
      'password_reset',
      'password_changed',
      'suspended',
      'deleted',
    ])
    .optional(),
});
export const authTokenRefreshed = z.object({ userId: id, sessionId: id, refreshedAt: at });
/**
 * `requested` names the reset (`resetId`), never its token: notification fetches the token from
 * auth (`GET /internal/password-resets/{resetId}`) while the reset is open. `completed` follows the
 * new password.
 */
export const authPasswordReset = z.object({
  userId: id,
  email: z.email(),
  phase: z.enum(['requested', 'completed']),
  resetId: z.string().optional(),
  expiresAt: at.optional(),
  at,
});
/**
 * A link that proves the account owns its email was opened (at a password sign-up, or asked for
 * again): it names the verification, never its token, which notification fetches from auth
 * (`GET /internal/email-verifications/{verificationId}`) while the verification is open.
 */
export const authEmailVerification = z.object({
  userId: id,
  email: z.email(),
  verificationId: z.string(),
  expiresAt: at,
  at,
});

// User
export const userCreated = z.object({
  userId: id,
  email: z.email(),
  name: z.string(),
  role,
  /** false: nothing proved the email yet (a password sign-up), so auth mails a verification link. */
  emailVerified: z.boolean().optional(),
  createdAt: at,
});
export const userUpdated = z.object({
  userId: id,
  changes: z.array(z.string()),
  status: z.enum(['ACTIVE', 'SUSPENDED', 'DELETED']).optional(),
  grade: z.string().optional(),
  updatedAt: at,
});
export const userDeleted = z.object({ userId: id, deletedAt: at });
export const userAddressCreated = z.object({
  userId: id,
  addressId: id,
  isDefault: z.boolean(),
  createdAt: at,
});

// Seller
export const sellerCreated = z.object({
  sellerId: id,
  userId: id,
  storeName: z.string(),
  status: z.literal('PENDING'),
  createdAt: at,
});
export const sellerVerified = z.object({
  sellerId: id,
  userId: id,
  verifiedBy: id.optional(),
  verifiedAt: at,
});
export const sellerSuspended = z.object({ sellerId: id, userId: id, reason: z.string(), suspendedAt: at });
export const storeUpdated = z.object({
  sellerId: id,
  storeName: z.string(),
  changes: z.array(z.string()),
  updatedAt: at,
  /** Set when the change is the application's status (a rejected application: REJECTED, with the reason). */
  status: z.enum(['PENDING', 'VERIFIED', 'REJECTED', 'SUSPENDED']).optional(),
  reason: z.string().optional(),
});
