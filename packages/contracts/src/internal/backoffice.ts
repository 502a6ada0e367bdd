/**
 * The back office's (admin's) synchronous calls to the services that own what it shows and
 * changes. Where admin forwards an answer unread (a product, a refund, a dashboard section), the
 * contract says only that it is a JSON object; the owner's route declares its fields.
 */
import { z } from 'zod';
import { pageOf, pageQuery, refundReceiveAccount } from '../primitives.ts';

/** An object admin forwards as it is. */
export const forwarded = z.record(z.string(), z.unknown());
export const forwardedPage = pageOf(forwarded);

const adminId = z.string().min(1).max(64);
export const moderation = z.object({ adminId });
export const moderationWithReason = z.object({ adminId, reason: z.string().trim().min(1).max(1000) });

export const productStatus = z.enum(['PENDING_REVIEW', 'APPROVED', 'REJECTED', 'DELETED', 'SUSPENDED']);
export const productQueueQuery = pageQuery.extend({ status: productStatus.default('PENDING_REVIEW') });
export const revisionStatus = z.enum(['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN']);
export const revisionQueueQuery = pageQuery.extend({ status: revisionStatus.default('PENDING') });

/** How many rows a dashboard section lists. */
export const sectionQuery = (max: number, dflt: number) =>
  z.object({ limit: z.coerce.number().int().min(1).max(max).default(dflt) });

export const refundStatus = z.enum(['PENDING', 'DONE', 'FAILED']);
export const refundQuery = z.object({
  status: refundStatus.default('FAILED'),
  orderId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const refundRetry = z.object({ refundReceiveAccount: refundReceiveAccount.optional() });
export const refundList = z.object({ items: z.array(forwarded) });

export const settlementRun = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  sellerId: z.string().min(1).max(64).optional(),
  requestedBy: z.string().min(1).max(64).optional(),
});
export const settlementRunResult = z.object({
  period: z.object({ from: z.string(), to: z.string(), start: z.string(), end: z.string() }),
  created: z.int(),
  settlements: z.array(forwarded),
});

/** A system setting's new version, handed to the service that applies it (configs.ts). */
export const configPush = z.object({ value: z.unknown(), version: z.int().positive() });
export const configInForce = z.object({ key: z.string(), version: z.int(), value: z.unknown() });
