import { z } from 'zod';

/** Opaque, time-ordered id (UUIDv7 in this project). */
export const id = z.string().min(1).max(64);
/**
 * A correlation id: what a client may send as `x-correlation-id` and every event carries. Bounded
 * (it lands in logs, headers, every consumer's rows and indexes) and of a plain charset (a UUID, a
 * ULID, `saga-1234`, `e2e-push-…`).
 */
export const correlationIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}$/;
export const correlationId = z.string().regex(correlationIdPattern, 'at most 128 of A-Z a-z 0-9 . _ : = -');
export const isCorrelationId = (s: string | undefined | null): s is string =>
  typeof s === 'string' && correlationIdPattern.test(s);
/** Money: integer KRW (원), never a float. */
export const krw = z.int().min(0);
/** ISO 8601 UTC timestamp. */
export const at = z.iso.datetime({ offset: true });
export const quantity = z.int().positive();
export const role = z.enum(['buyer', 'seller', 'admin']);
export const paymentMethod = z.enum(['card', 'transfer', 'virtual_account']);
export const carrier = z.enum(['CJ', 'LOTTE', 'HANJIN', 'LOGEN', 'POST']);

export const shippingAddress = z.object({
  recipient: z.string().min(1).max(50),
  phone: z.string().regex(/^0\d{1,2}-?\d{3,4}-?\d{4}$/, 'a Korean phone number like 010-1234-5678'),
  address: z.string().min(1).max(300),
  zipCode: z.string().regex(/^\d{5}$/, 'a 5-digit 우편번호'),
});
export type ShippingAddress = z.infer<typeof shippingAddress>;
/** Toss's refundReceiveAccount: where a deposited virtual account's refund goes (은행 코드, 계좌번호, 예금주). */
export const refundReceiveAccount = z.object({
  /** The bank's two-digit code as Toss names it (88 신한, 20 우리, 04 KB국민, 11 NH농협…). */
  bank: z.string().regex(/^\d{2,3}$/),
  /** Digits only, at most 20. */
  accountNumber: z.string().regex(/^\d{6,20}$/),
  holderName: z.string().min(1).max(60),
});
export const returnReason = z.enum(['CHANGE_OF_MIND', 'SELLER_FAULT']);

/** Pagination query of the contract: `limit` (1–100, default 20) and an opaque `cursor`. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});

/** A list reply of the contract: `{items, nextCursor}`. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
