import { z } from 'zod';
import { at, id, krw } from '../primitives.ts';

// Settlement: 정산
const settlementFigures = {
  settlementId: id,
  sellerId: id,
  periodStart: at,
  periodEnd: at,
  grossAmount: krw,
  commission: krw,
  couponBurden: krw,
  shippingFee: krw,
  refundAmount: krw,
  /** 반품배송비 kept from buyers' refunds (a change of mind): the seller's, added to the net. */
  returnShippingFee: krw.optional(),
  /** 판매수수료 부가세: 10 % of the commission net of refunds (negative when refunds reverse more). */
  commissionVat: z.int().optional(),
  /** Negative balances of earlier settlements brought into this one (이월 차감); 0 or less. */
  carriedOver: z.int().max(0).optional(),
  /** gross − commission − commissionVat − couponBurden + shippingFee − refundAmount + returnShippingFee + carriedOver; may be negative. */
  netAmount: z.int(),
};
export const settlementCalculated = z.object({ ...settlementFigures, calculatedAt: at });
export const settlementCompleted = z.object({
  ...settlementFigures,
  statementFileId: id.optional(),
  completedAt: at,
});
export const settlementPaid = z.object({ settlementId: id, sellerId: id, amount: z.int(), paidAt: at });
/** A payout's transfer the bank refused (지급 실패): it waits, with its reason, for an admin's retry. */
export const settlementPayoutFailed = z.object({
  payoutId: id,
  settlementId: id,
  sellerId: id,
  amount: krw,
  /** NO_BANK_ACCOUNT, or BANK_<the bank's answer code> */
  code: z.string(),
  reason: z.string(),
  failedAt: at,
});

// Notification
const channel = z.enum(['EMAIL', 'SMS', 'ALIMTALK', 'PUSH', 'IN_APP']);
export const notificationSent = z.object({
  notificationId: id,
  userId: id.optional(),
  channel,
  template: z.string(),
  sourceEventId: z.string().optional(),
  sentAt: at,
});
export const notificationFailed = z.object({
  notificationId: id,
  userId: id.optional(),
  channel,
  template: z.string(),
  /** The event the notification was about (additive). */
  sourceEventId: z.string().optional(),
  reason: z.string(),
  failedAt: at,
});

// Admin
export const adminUserSuspended = z.object({ userId: id, adminId: id, reason: z.string(), suspendedAt: at });
export const adminSellerApproved = z.object({ sellerId: id, adminId: id, approvedAt: at });
export const adminNoticePublished = z.object({
  noticeId: id,
  title: z.string(),
  adminId: id,
  publishedAt: at,
  /** Who the notice is for (공지 대상), so notification can reach the right users. */
  audience: z.enum(['ALL', 'BUYERS', 'SELLERS']).optional(),
  body: z.string().optional(),
});

// Stats
export const statsDailyCalculated = z.object({
  date: z.iso.date(),
  orders: z.int().min(0),
  grossSales: krw,
  newUsers: z.int().min(0),
  newProducts: z.int().min(0),
  calculatedAt: at,
});
export const statsReportGenerated = z.object({
  reportId: id,
  kind: z.string(),
  from: at,
  to: at,
  fileId: id.optional(),
  generatedAt: at,
});
