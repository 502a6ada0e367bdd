/** Sellers' synchronous calls: seller answers, product, settlement and the back office ask. */
import { z } from 'zod';
import { pageOf, pageQuery } from '../primitives.ts';

export const sellerStatus = z.enum(['PENDING', 'VERIFIED', 'REJECTED', 'SUSPENDED']);

/** A seller (application and store) as the seller answers it and the back office shows it. */
export const sellerDto = z.object({
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
});
export type SellerDto = z.output<typeof sellerDto>;

/** One seller and its status (product lists only VERIFIED sellers), with its 사업자 정보 for documents. */
export const sellerSummary = z.object({
  sellerId: z.string(),
  userId: z.string(),
  status: sellerStatus,
  storeName: z.string(),
  grade: z.string(),
  business: z.object({
    businessNumber: z.string(), // 123-45-67890
    representative: z.string(),
    mailOrderNumber: z.string(),
    businessAddress: z.string().nullable(),
  }),
});

export const sellerListQuery = pageQuery.extend({ status: sellerStatus.optional() });
export const sellerPage = pageOf(sellerDto);

const adminId = z.string().max(64).optional();
export const sellerApproval = z.object({ adminId });
export const sellerDecision = z.object({ adminId, reason: z.string().trim().min(1).max(500) });
export const changedSeller = sellerDto.extend({ changed: z.boolean() });
