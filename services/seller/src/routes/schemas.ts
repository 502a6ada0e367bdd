import { z } from '@mp/platform';

export const sellerStatus = z.enum(['PENDING', 'VERIFIED', 'REJECTED', 'SUSPENDED']);

export const sellerDto = z
  .object({
    sellerId: z.string(),
    userId: z.string(),
    status: sellerStatus,
    grade: z.string(),
    storeName: z.string(),
    description: z.string().nullable(),
    csPhone: z.string().nullable(),
    csEmail: z.string().nullable(),
    logoFileId: z.string().nullable(),
    businessNumber: z.string(),
    representative: z.string(),
    mailOrderNumber: z.string(),
    businessAddress: z.string().nullable(),
    appliedAt: z.string(),
    verifiedAt: z.string().nullable(),
    rejectionReason: z.string().nullable(),
    suspensionReason: z.string().nullable(),
  })
  .openapi('Seller');

export const storeName = z.string().trim().min(1).max(50);
export const csPhone = z
  .string()
  .regex(/^0\d{1,2}-?\d{3,4}-?\d{4}$/, 'a Korean phone number like 02-123-4567');
