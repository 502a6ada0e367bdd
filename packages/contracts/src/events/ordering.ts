import { z } from 'zod';
import {
  at,
  carrier,
  id,
  krw,
  paymentMethod,
  quantity,
  refundReceiveAccount,
  returnReason,
  shippingAddress,
} from '../primitives.ts';

const orderLine = z.object({
  itemId: id,
  productId: id,
  sku: z.string(),
  sellerId: id,
  quantity,
  /** Unit price in KRW after the SKU's price delta. */
  price: krw,
  /** This line's share of the order's coupon discount (who funds it: the order's couponIssuer). */
  discountAmount: krw.optional(),
});

// Order. The original design's fields first; `sellerId` is the first item's seller, `sellerIds` all of them.
export const orderCreated = z.object({
  orderId: id,
  userId: id,
  sellerId: id,
  items: z.array(
    z.object({
      productId: id,
      quantity,
      price: krw,
      options: z.record(z.string(), z.unknown()),
      itemId: id,
      sku: z.string(),
      sellerId: id,
      name: z.string().optional(),
      /** The product's category, for commission by category (카테고리별 판매수수료); missing → the default rate. */
      categoryId: id.optional(),
      /** This line's share of the coupon discount. */
      discountAmount: krw.optional(),
    }),
  ),
  totalAmount: krw,
  shippingAddress,
  paymentMethod,
  couponId: id.optional(),
  userCouponId: id.optional(),
  sellerIds: z.array(id),
  discountAmount: krw,
  shippingFee: krw,
  payableAmount: krw,
  /**
   * Who funds the coupon's discount (쿠폰 부담 주체), as the coupon's `issuer`: a SELLER coupon's
   * discount is charged to `couponSellerId` in settlement. Missing → the platform funds it.
   */
  couponIssuer: z.enum(['ADMIN', 'SELLER']).optional(),
  couponSellerId: id.optional(),
  /** `shippingFee` split per seller (each seller ships its own parcel); missing → split evenly. */
  sellerShippingFees: z.array(z.object({ sellerId: id, amount: krw })).optional(),
  /** Unpaid orders are cancelled after this instant. */
  paymentDueAt: at,
  createdAt: at,
});
export const orderItemConfirmed = z.object({
  orderId: id,
  userId: id,
  itemId: id,
  productId: id,
  sku: z.string(),
  sellerId: id,
  quantity,
  confirmedAt: at,
});
export const orderCancelled = z.object({
  orderId: id,
  userId: id,
  reason: z.string(),
  cancelledAt: at,
  previousStatus: z.string(),
  couponId: id.optional(),
  userCouponId: id.optional(),
  /** The lines cancelled, with their names, so each seller is told of theirs (absent in older events). */
  items: z.array(orderLine.extend({ name: z.string().optional() })).optional(),
  /** A deposited virtual account's refund goes to this account (the buyer's, given with the cancel request). */
  refundReceiveAccount: refundReceiveAccount.optional(),
});
export const orderCompleted = z.object({
  orderId: id,
  completedAt: at,
  userId: id,
  payableAmount: krw,
  items: z.array(orderLine),
  automatic: z.boolean(),
});
/**
 * 반품 requested: the lines (one seller's) go back to the seller (shipping books the pickup); the
 * money moves only after the seller's inspection (order.return.inspected).
 */
export const orderRefundRequested = z.object({
  orderId: id,
  userId: id,
  refundRequestId: id,
  reason: z.string(),
  /** What the lines are worth (the last return of an order also carries its shipping fee). */
  amount: krw,
  items: z.array(z.object({ itemId: id, sellerId: id, quantity, amount: krw })),
  requestedAt: at,
  /** CHANGE_OF_MIND (단순변심: the buyer pays the return shipping) or SELLER_FAULT (불량·오배송: the seller does). */
  returnReason: returnReason.optional(),
  sellerId: id.optional(),
  /** A virtual-account order's refund goes to this account of the buyer's. */
  refundReceiveAccount: refundReceiveAccount.optional(),
});
/**
 * The seller (or an admin settling a dispute) inspected the returned units: ACCEPTED refunds
 * `refundAmount` (`amount` less the return shipping fee the policy charges the buyer) and puts each
 * line back in stock or writes it off; REJECTED refunds nothing and the units go back to the buyer.
 * An inspection that judges the lines apart publishes one of each (the rejected part's `splitFrom`).
 */
export const orderReturnInspected = z.object({
  orderId: id,
  userId: id,
  sellerId: id,
  refundRequestId: id,
  result: z.enum(['ACCEPTED', 'REJECTED']),
  returnReason,
  /** The inspector's words (required for a rejection). */
  reason: z.string().nullable(),
  photoFileIds: z.array(id),
  lines: z.array(
    z.object({
      itemId: id,
      productId: id,
      sku: z.string(),
      quantity,
      /** RESELLABLE: back on hand (재입고); DAMAGED: written off (폐기). */
      condition: z.enum(['RESELLABLE', 'DAMAGED']),
    }),
  ),
  amount: krw,
  returnShippingFee: krw,
  refundAmount: krw,
  inspectedBy: z.enum(['SELLER', 'ADMIN']),
  inspectedAt: at,
  /**
   * A return accepted in part: its rejected lines are this return of their own, split off from the
   * one named here (whose refund account, for a virtual-account order, is this one's too).
   */
  splitFrom: id.optional(),
});
/**
 * The carrier could not collect a return's parcel (회수 실패: refused, an address it does not serve):
 * the return is PICKUP_FAILED until an admin settles it; the buyer and the seller are told.
 */
export const orderReturnPickupFailed = z.object({
  orderId: id,
  userId: id,
  sellerId: id,
  refundRequestId: id,
  /** The carrier's words. */
  reason: z.string(),
  failedAt: at,
});
export const orderRefundCompleted = z.object({
  orderId: id,
  userId: id,
  refundRequestId: id.nullable(),
  refundId: id,
  amount: krw,
  items: z.array(z.object({ itemId: id, sellerId: id, quantity, amount: krw })),
  completedAt: at,
  /** 반품배송비 kept from the lines' worth (the buyer's change of mind): `amount` is what came back. */
  returnShippingFee: krw.optional(),
});

// 교환 (exchange): another option of the same product at the same price; no money moves.
const exchangeLine = z.object({
  itemId: id,
  productId: id,
  /** The SKU the buyer sends back (회수). */
  sku: z.string(),
  /** The SKU the seller sends instead (same product, same unit price). */
  newSku: z.string(),
  quantity,
});
export const orderExchangeRequested = z.object({
  orderId: id,
  exchangeId: id,
  userId: id,
  sellerId: id,
  reason: z.string(),
  items: z.array(exchangeLine),
  requestedAt: at,
});
export const orderExchangeCompleted = z.object({
  orderId: id,
  exchangeId: id,
  userId: id,
  sellerId: id,
  items: z.array(exchangeLine),
  completedAt: at,
});
export const orderExchangeCancelled = z.object({
  orderId: id,
  exchangeId: id,
  userId: id,
  sellerId: id,
  /** REJECTED: the seller refused it (교환거부); CANCELLED: the buyer withdrew it (교환철회). */
  status: z.enum(['REJECTED', 'CANCELLED']),
  reason: z.string(),
  cancelledAt: at,
});
/** A leg the carrier could not carry (배달불가, 반송): the exchange is FAILED and both parties are told. */
export const orderExchangeFailed = z.object({
  orderId: id,
  exchangeId: id,
  userId: id,
  sellerId: id,
  leg: z.enum(['PICKUP', 'DELIVERY']),
  reason: z.string(),
  failedAt: at,
});

// Payment
export const paymentRequested = z.object({
  paymentId: id,
  orderId: id,
  userId: id,
  amount: krw,
  method: paymentMethod,
  requestedAt: at,
});
export const paymentCompleted = z.object({
  paymentId: id,
  orderId: id,
  amount: krw,
  method: z.string(),
  pgTransactionId: z.string(),
  paidAt: at,
  userId: id.optional(),
});
export const paymentFailed = z.object({
  paymentId: id,
  orderId: id,
  reason: z.string(),
  errorCode: z.string(),
  failedAt: at,
  userId: id.optional(),
});
export const paymentRefunded = z.object({
  refundId: id,
  paymentId: id,
  orderId: id,
  amount: krw,
  reason: z.string(),
  refundedAt: at,
  refundRequestId: id.nullable().optional(),
  remainingAmount: krw.optional(),
});
export const paymentCancelled = z.object({ paymentId: id, orderId: id, reason: z.string(), cancelledAt: at });

// Shipping
const shipmentItems = z.array(z.object({ itemId: id, productId: id, sku: z.string(), quantity }));
export const shippingRequested = z.object({
  shipmentId: id,
  orderId: id,
  sellerId: id,
  userId: id,
  items: shipmentItems,
  requestedAt: at,
});
export const shippingDispatched = z.object({
  shipmentId: id,
  orderId: id,
  carrier,
  trackingNumber: z.string(),
  estimatedDelivery: at,
  dispatchedAt: at,
  sellerId: id.optional(),
});
export const shippingInTransit = z.object({
  shipmentId: id,
  orderId: id,
  carrier,
  trackingNumber: z.string(),
  location: z.string().optional(),
  at,
});
export const shippingDelivered = z.object({
  shipmentId: id,
  orderId: id,
  deliveredAt: at,
  recipient: z.string(),
  sellerId: id.optional(),
  userId: id.optional(),
  items: shipmentItems.optional(),
});
export const shippingFailed = z.object({ shipmentId: id, orderId: id, reason: z.string(), failedAt: at });
export const shippingReturnRequested = z.object({
  shipmentId: id,
  orderId: id,
  returnShipmentId: id,
  reason: z.string(),
  requestedAt: at,
  sellerId: id.optional(),
  refundRequestId: id.optional(),
});

const returnLeg = z.object({
  returnShipmentId: id,
  orderId: id,
  sellerId: id,
  refundRequestId: id,
});
/** The return parcel reached the seller (배달완료 of the pickup): the inspection opens. */
export const shippingReturnReceived = returnLeg.extend({ receivedAt: at });
/** The carrier refused the pickup booking, or could not carry the parcel back. */
export const shippingReturnFailed = returnLeg.extend({ reason: z.string(), failedAt: at });

/** An exchange's two legs: PICKUP (회수, buyer → seller) and DELIVERY (the new items, seller → buyer). */
const exchangeLeg = z.enum(['PICKUP', 'DELIVERY']);
export const shippingExchangeRequested = z.object({
  exchangeId: id,
  orderId: id,
  sellerId: id,
  pickupShipmentId: id,
  deliveryShipmentId: id,
  requestedAt: at,
});
export const shippingExchangeDispatched = z.object({
  exchangeId: id,
  orderId: id,
  sellerId: id,
  shipmentId: id,
  leg: exchangeLeg,
  carrier,
  trackingNumber: z.string(),
  dispatchedAt: at,
});
export const shippingExchangeDelivered = z.object({
  exchangeId: id,
  orderId: id,
  sellerId: id,
  shipmentId: id,
  leg: exchangeLeg,
  deliveredAt: at,
});
export const shippingExchangeFailed = z.object({
  exchangeId: id,
  orderId: id,
  sellerId: id,
  shipmentId: id,
  leg: exchangeLeg,
  reason: z.string(),
  failedAt: at,
});

// Coupon
export const couponCreated = z.object({
  couponId: id,
  name: z.string(),
  type: z.enum(['FIXED', 'PERCENT']),
  value: z.int().positive(),
  issuer: z.enum(['ADMIN', 'SELLER']),
  sellerId: id.optional(),
  totalQuantity: z.int().positive().nullable(),
  validFrom: at,
  validUntil: at,
  createdAt: at,
});
export const couponIssued = z.object({ couponId: id, userCouponId: id, userId: id, issuedAt: at });
export const couponUsed = z.object({
  couponId: id,
  userCouponId: id,
  userId: id,
  orderId: id,
  discountAmount: krw,
  usedAt: at,
});
export const couponExpired = z.object({ couponId: id, expiredUserCoupons: z.int().min(0), expiredAt: at });
