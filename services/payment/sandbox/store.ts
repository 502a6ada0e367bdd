import { type Kysely, sql } from '@mp/platform';

/** A payment as the sandbox PG keeps it (dev and tests only; never in production schemas). */
export interface SandboxPayment {
  payment_key: string;
  order_id: string;
  order_name: string;
  method: string;
  amount: number;
  balance_amount: number;
  status: string;
  scenario: string;
  confirms: number;
  cancel_failures: number;
  approved_at: Date | null;
  requested_at: Date;
  secret: string;
  last_transaction_key: string | null;
  virtual_account: unknown | null;
  cancels: unknown[];
  failure: unknown | null;
  /** Set when the payment was a billing charge (자동결제), with the saved card's details. */
  billing_key: string | null;
  card: unknown | null;
}

/** A card registration the sandbox's billing window authorised: the authKey, usable once. */
export interface SandboxBillingAuth {
  auth_key: string;
  customer_key: string;
  card_number: string;
  created_at: Date;
  used_at: Date | null;
}

/** A billing key the sandbox issued (빌링키), bound to its customerKey; scenario from the test card. */
export interface SandboxBillingKey {
  billing_key: string;
  customer_key: string;
  card_number: string;
  issuer_code: string;
  card_type: string;
  owner_type: string;
  scenario: string;
  authenticated_at: Date;
  deleted_at: Date | null;
}

export interface SandboxTables {
  pg_sandbox_payments: SandboxPayment;
  pg_sandbox_billing_auths: SandboxBillingAuth;
  pg_sandbox_billing_keys: SandboxBillingKey;
  pg_sandbox_idempotency: {
    key: string;
    route: string;
    status: number | null;
    body: string | null;
    created_at: Date;
  };
}

const ready = new WeakMap<object, Promise<void>>();

/**
 * The sandbox's tables live beside the payment service's, created on first use and only where
 * the sandbox is mounted (LOCAL_DEV), so production schemas never hold them.
 */
export function sandboxDb(db: Kysely<unknown>): Promise<Kysely<SandboxTables>> {
  let p = ready.get(db);
  if (!p) {
    p = (async () => {
      await sql`create table if not exists pg_sandbox_payments (
        payment_key text primary key, order_id text not null unique, order_name text not null,
        method text not null, amount bigint not null, balance_amount bigint not null, status text not null,
        scenario text not null, confirms integer not null default 0, cancel_failures integer not null default 0,
        approved_at timestamptz, requested_at timestamptz not null default now(), secret text not null,
        last_transaction_key text, virtual_account jsonb, cancels jsonb not null default '[]', failure jsonb)`.execute(
        db,
      );
      await sql`create table if not exists pg_sandbox_idempotency (
        key text not null, route text not null, status integer, body text,
        created_at timestamptz not null default now(), primary key (key, route))`.execute(db);
      await sql`alter table pg_sandbox_payments add column if not exists billing_key text,
        add column if not exists card jsonb`.execute(db);
      await sql`create table if not exists pg_sandbox_billing_auths (
        auth_key text primary key, customer_key text not null, card_number text not null,
        created_at timestamptz not null default now(), used_at timestamptz)`.execute(db);
      await sql`create table if not exists pg_sandbox_billing_keys (
        billing_key text primary key, customer_key text not null, card_number text not null,
        issuer_code text not null, card_type text not null, owner_type text not null, scenario text not null,
        authenticated_at timestamptz not null default now(), deleted_at timestamptz)`.execute(db);
    })();
    ready.set(db, p);
    p.catch(() => ready.delete(db));
  }
  return p.then(() => db as Kysely<SandboxTables>);
}
