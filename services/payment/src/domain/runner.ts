import { type Logger, notifiedWorker, type Worker } from '@mp/platform';
import type { PaymentContext } from './context.ts';
import { runJobs } from './jobs.ts';

/**
 * Runs the payment jobs (auto-approval, refunds, reconciliation) right after a handler commits
 * work for them (LISTEN payment_jobs; NOTIFY is delivered on commit), and every `pollMs` as a
 * safety net. Never two runs at once in a process; replicas share rows by SKIP LOCKED.
 */
export function jobRunner(
  ctx: PaymentContext,
  o: { databaseUrl: string; schema: string; pollMs: number; log: Logger },
): Worker & { wake(): void } {
  return notifiedWorker('payment-jobs', { ...o, channel: 'payment_jobs' }, () => runJobs(ctx));
}
