import type { EventPublisher, Kysely, Logger, Selectable, Transaction } from '@mp/platform';
import type { Database, PaymentMethodsTable, PaymentsTable, RefundsTable } from '../db/schema.ts';
import type { PaymentGateway } from '../pg/port.ts';
import type { MethodSecrets } from './method-secrets.ts';

export type Payment = Selectable<PaymentsTable>;
export type Refund = Selectable<RefundsTable>;
export type Db = Kysely<Database> | Transaction<Database>;

/** What the payment rules need: the database, the outbox, the PG. */
export interface PaymentContext {
  db: Kysely<Database>;
  events: EventPublisher;
  log: Logger;
  pg: PaymentGateway;
  /** Seals billing keys, derives customerKeys (saved payment methods). */
  methods: MethodSecrets;
  /** The sandbox's payment window, when the sandbox is the PG (local profiles): gives a paymentKey. */
  window?: (input: {
    orderId: string;
    amount: number;
    orderName: string;
    method: string;
  }) => Promise<{ paymentKey: string }>;
  /** A confirmation without a settled answer is asked of the PG again after this long. */
  reconcileAfterMs: number;
}

export type SavedMethod = Selectable<PaymentMethodsTable>;

/** Payments that money has reached. */
export const PAID = ['DONE', 'PARTIALLY_REFUNDED', 'REFUNDED'] as const;

export function lockPayment(trx: Transaction<Database>, where: { id: string } | { orderId: string }) {
  const q = trx.selectFrom('payments').selectAll().forUpdate();
  return (
    'id' in where ? q.where('id', '=', where.id) : q.where('order_id', '=', where.orderId)
  ).executeTakeFirst();
}

/** Toss renders times in KST with an offset; events carry UTC. */
export const utc = (t: string | null | undefined) =>
  t ? new Date(t).toISOString() : new Date().toISOString();
