import { productSummary as lookedUpProduct, newPassword } from '@mp/contracts';
import { z } from '@mp/platform';

export const userDto = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    role: z.enum(['buyer', 'seller', 'admin']),
    grade: z.string(),
    status: z.string(),
    marketingConsent: z.boolean(),
    /** Whether the account proved it owns the email (a provider vouched for it, or a reset link was used). */
    emailVerified: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('User');

/** A Korean mobile number (휴대폰 번호). */
export const mobile = z
  .string()
  .regex(/^01[016789]-?\d{3,4}-?\d{4}$/, 'a Korean mobile number like 010-1234-5678');

export const password = newPassword.shape.password;

export const productSummary = z.object(lookedUpProduct.shape).openapi('ProductSummary');

export const productIdParam = z.object({ productId: z.string().min(1).max(64) });
