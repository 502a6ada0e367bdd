import { type Logger, type Worker, wakeableWorker } from '@mp/platform';
import type { PaymentContext } from './context.ts';
import { jobs } from './jobs.ts';

/**
 * Runs the payment jobs (auto-approval, refunds, reconciliation) right after a handler commits
 * work for them (LISTEN payment_jobs; NOTIFY is delivered on commit), and every `pollMs` as a
 * safety net (and the cadence of the sweeps nothing wakes: jobs.ts). Never two runs at once in a process; replicas share rows by SKIP LOCKED.
 */
export function jobRunner(
  ctx: PaymentContext,
  o: { databaseUrl: string; schema: string; pollMs: number; log: Logger },
): Worker & { wake(): void } {
  const listen = { databaseUrl: o.databaseUrl, channel: 'payment_jobs', schema: o.schema };
  return wakeableWorker('payment-jobs', { pollMs: o.pollMs, log: o.log, listen }, jobs(ctx, o.pollMs));
}
