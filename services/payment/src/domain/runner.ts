import type { Logger, Worker } from '@mp/platform';
import pg from 'pg';
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
  let listener: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;

  const wake = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = runJobs(ctx)
      .catch((err) => o.log.error({ err }, 'payment jobs failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          wake();
        }
      });
  };

  const listen = async () => {
    const client = new pg.Client({ connectionString: o.databaseUrl });
    client.on('notification', (m) => m.payload === o.schema && wake());
    client.on('error', () => {
      listener = undefined;
      if (!stopped) setTimeout(() => listen().catch(() => {}), 2000).unref();
    });
    await client.connect();
    await client.query('listen payment_jobs');
    listener = client;
  };

  return {
    name: 'payment-jobs',
    wake,
    async start() {
      stopped = false;
      await listen();
      timer = setInterval(wake, o.pollMs);
      timer.unref();
      wake();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await listener?.end().catch(() => {});
      await running;
    },
  };
}
