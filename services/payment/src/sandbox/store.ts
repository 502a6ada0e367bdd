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
}

export interface SandboxTables {
  pg_sandbox_payments: SandboxPayment;
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
    })();
    ready.set(db, p);
    p.catch(() => ready.delete(db));
  }
  return p.then(() => db as Kysely<SandboxTables>);
}
