import type { Generated, PlatformTables } from '@mp/platform';

export type UserStatus = 'ACTIVE' | 'SUSPENDED' | 'DELETED';
export type Role = 'buyer' | 'seller' | 'admin';

/** users_db.users, the user service's accounts. */
export interface UsersTable {
  id: string;
  email: string;
  /** argon2id; null for accounts that only sign in through an OIDC provider. */
  password_hash: string | null;
  name: string;
  phone: string | null;
  role: Role;
  status: Generated<UserStatus>;
  /** 회원 등급, from the paid amount over a rolling window. */
  grade: Generated<string>;
  marketing_consent: Generated<boolean>;
  /** When the account proved it owns the email; null = never (see accountForExternalIdentity). */
  email_verified_at: Generated<Date | null>;
  suspended_at: Date | null;
  suspended_reason: string | null;
  grade_evaluated_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Date | null;
}

/** users_db.addresses: 배송지; exactly one is the default (기본 배송지). */
export interface AddressesTable {
  id: string;
  user_id: string;
  label: string | null;
  recipient: string;
  phone: string;
  address: string;
  address_detail: string | null;
  zip_code: string;
  is_default: boolean;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A completed payment, from `payment.completed`; the user may be learnt later from `order.completed`. */
export interface PaymentsTable {
  payment_id: string;
  order_id: string;
  user_id: string | null;
  amount: number;
  paid_at: Date;
}

/** A refund, from `payment.refunded`; netted out of the paid amount of its payment. */
export interface RefundsTable {
  refund_id: string;
  payment_id: string;
  order_id: string;
  amount: number;
  refunded_at: Date;
}

/** A confirmed purchase (구매확정), from `order.completed`. */
export interface CompletedOrdersTable {
  order_id: string;
  user_id: string;
  amount: number;
  completed_at: Date;
}

/** A parcel sent for an order (shipping.dispatched); its buyer is the order's payer. */
export interface ShipmentsTable {
  shipment_id: string;
  order_id: string;
  carrier: string;
  tracking_number: string;
  dispatched_at: Date;
}

/** The tables of the user service's schema (`users`). */
export interface Database extends PlatformTables {
  users: UsersTable;
  addresses: AddressesTable;
  payments: PaymentsTable;
  refunds: RefundsTable;
  completed_orders: CompletedOrdersTable;
  shipments: ShipmentsTable;
}
