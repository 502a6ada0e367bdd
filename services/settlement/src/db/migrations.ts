import { describeSchema, type Migrations, sql } from '@mp/platform';

export const migrations: Migrations = {
  '0001_init': describeSchema('settlement service — 정산: seller settlements and statements'),
  '0002_settlements': {
    async up(db) {
      await sql`
        create table sellers (
          seller_id text primary key,
          store_name text not null,
          updated_at timestamptz not null
        );
        -- What settlement knows of an order; any of its events may come first.
        create table orders (
          order_id text primary key,
          user_id text,
          ordered_at timestamptz,
          paid_at timestamptz,
          paid_amount bigint,
          completed_at timestamptz,
          collected boolean not null default false
        );
        -- Deliveries seen, kept for lines that do not exist yet when the delivery arrives.
        create table deliveries (
          shipment_id text primary key,
          order_id text not null,
          seller_id text,
          delivered_at timestamptz not null
        );
        create index deliveries_order on deliveries (order_id);
        create table settlements (
          id uuid primary key,
          seller_id text not null,
          period_from text not null, -- Korean calendar dates, inclusive (labels of [period_start, period_end))
          period_to text not null,
          period_start timestamptz not null,
          period_end timestamptz not null,
          gross_amount bigint not null default 0,
          commission bigint not null default 0,
          coupon_burden bigint not null default 0,
          shipping_fee bigint not null default 0,
          refund_amount bigint not null default 0,
          net_amount bigint not null default 0,
          -- Negative balances of earlier settlements brought into this one (이월 차감), ≤ 0.
          carried_over bigint not null default 0,
          carried_into uuid,
          line_count integer not null default 0,
          refund_count integer not null default 0,
          status text not null check (status in ('CALCULATED', 'COMPLETED', 'PAID')),
          trigger text not null check (trigger in ('SCHEDULED', 'MANUAL')),
          requested_by text,
          statement_key text,
          calculated_at timestamptz not null,
          completed_at timestamptz,
          paid_at timestamptz,
          paid_by text,
          payout_reference text,
          -- A run is idempotent per (seller, period).
          constraint settlements_once unique (seller_id, period_start, period_end)
        );
        create index settlements_status on settlements (status, calculated_at) where status <> 'PAID';
        create index settlements_seller on settlements (seller_id, id desc);
        -- 정산 라인: one per order and seller.
        create table lines (
          id uuid primary key,
          order_id text not null references orders,
          seller_id text not null,
          gross bigint not null,
          coupon_burden bigint not null,
          shipping_fee bigint not null,
          commission bigint not null,
          net bigint not null,
          delivered_at timestamptz,
          -- When the line became payable: 구매확정 of a paid order.
          payable_at timestamptz,
          settlement_id uuid references settlements,
          created_at timestamptz not null default now(),
          constraint lines_once unique (order_id, seller_id)
        );
        create index lines_due on lines (seller_id, payable_at) where settlement_id is null and payable_at is not null;
        create index lines_settlement on lines (settlement_id, order_id);
        create table line_items (
          line_id uuid not null references lines,
          item_id text not null,
          product_id text not null,
          sku text not null,
          name text,
          category_id text,
          unit_price bigint not null,
          quantity integer not null,
          amount bigint not null,
          coupon_share bigint not null,
          rate_bp integer not null,
          commission bigint not null,
          refunded_quantity integer not null default 0,
          primary key (line_id, item_id)
        );
        -- 환불 차감: one per refund and seller. Figures are filled once the line is known.
        create table refunds (
          id uuid primary key,
          refund_id text not null,
          order_id text not null,
          seller_id text not null,
          refunded_at timestamptz not null,
          buyer_amount bigint not null,
          items jsonb not null,
          gross bigint,
          coupon_reversed bigint,
          commission_reversed bigint,
          deduction bigint,
          -- When the deduction falls due: the refund of a payable line.
          due_at timestamptz,
          settlement_id uuid references settlements,
          constraint refunds_once unique (refund_id, seller_id)
        );
        create index refunds_due on refunds (seller_id, due_at) where settlement_id is null and due_at is not null;
        create index refunds_order on refunds (order_id);
        -- System settings this service applies (pushed by admin; the newest version wins).
        create table configs (
          key text primary key,
          value jsonb not null,
          version bigint not null,
          updated_at timestamptz not null default now()
        );
      `.execute(db);
    },
  },
  '0003_payouts': {
    async up(db) {
      await sql`
        -- 판매수수료 부가세: 10 % of the settlement's commission net of refunds, deducted with it.
        alter table settlements add column commission_vat bigint not null default 0;
        -- The seller's payout account (정산 계좌), its holder checked with the bank; the number sealed.
        create table bank_accounts (
          seller_id text primary key,
          bank_code text not null,
          account_sealed text not null,
          account_masked text not null,
          holder_name text not null,
          verified_at timestamptz not null,
          updated_at timestamptz not null
        );
        -- 지급 보류: an admin's hold on a seller or on one settlement, until released.
        create table holds (
          id uuid primary key,
          seller_id text not null,
          settlement_id uuid references settlements,
          reason text not null,
          held_by text not null,
          held_at timestamptz not null,
          released_at timestamptz,
          released_by text
        );
        create index holds_active on holds (seller_id) where released_at is null;
        -- 지급 배치: one per settlement period.
        create table payout_batches (
          id uuid primary key,
          period_from text not null,
          period_to text not null,
          period_start timestamptz not null,
          period_end timestamptz not null,
          requested_by text,
          created_at timestamptz not null,
          constraint payout_batches_once unique (period_start, period_end)
        );
        -- 지급: one per settlement, ever (a settlement is paid once); retried in place.
        create table payouts (
          id uuid primary key,
          batch_id uuid not null references payout_batches,
          settlement_id uuid not null references settlements,
          seller_id text not null,
          amount bigint not null check (amount > 0),
          status text not null check (status in ('PENDING', 'PROCESSING', 'PAID', 'FAILED')),
          attempt integer not null default 1,
          -- The bank's transaction id of the current attempt (bank_tran_id): the transfer's idempotency key.
          transfer_ref text not null unique,
          bank_code text,
          account_masked text,
          failure_code text,
          failure_reason text,
          sent_at timestamptz,
          paid_at timestamptz,
          updated_at timestamptz not null,
          constraint payouts_once unique (settlement_id)
        );
        create index payouts_batch on payouts (batch_id, seller_id);
        create index payouts_open on payouts (status, updated_at) where status in ('PENDING', 'PROCESSING');
      `.execute(db);
    },
  },
  '0004_tax_invoice': {
    async up(db) {
      await sql`
        -- The commission its refunds reversed: the 세금계산서's 공급가액 is commission less this.
        alter table settlements add column commission_reversed bigint not null default 0;
        -- 공급받는자 of the commission's 세금계산서: the seller's business as the statement printed it.
        alter table settlements add column tax_recipient jsonb;
      `.execute(db);
    },
  },
  '0005_return_fees': {
    async up(db) {
      await sql`
        -- 반품배송비 a buyer's change of mind left with the seller (kept from the refund): the seller's,
        -- paid with the next settlement after the refund, whether or not the order is ever confirmed.
        create table return_fees (
          id uuid primary key,
          refund_id text not null unique,
          order_id text not null,
          seller_id text not null,
          amount bigint not null check (amount > 0),
          kept_at timestamptz not null,
          settlement_id uuid references settlements
        );
        create index return_fees_due on return_fees (seller_id, kept_at) where settlement_id is null;
        alter table settlements add column return_shipping_fee bigint not null default 0;
      `.execute(db);
    },
  },
};
