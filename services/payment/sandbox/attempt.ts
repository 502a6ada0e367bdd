import type { Kysely } from '@mp/platform';
import type { Context } from 'hono';
import type { SandboxKit, Scenario } from './kit.ts';
import { sleep } from './kit.ts';
import type { SandboxPayment, SandboxTables } from './store.ts';
import { tossErrors, toTossPayment } from './toss-shape.ts';

/**
 * One approval attempt of a READY payment, the way its scenario says the PG behaves: the same for a
 * window payment's confirmation and a saved card's charge (자동결제 승인).
 */
export async function settleAttempt(
  c: Context,
  k: SandboxKit,
  s: Kysely<SandboxTables>,
  row: SandboxPayment,
): Promise<Response> {
  const { fail, statusChanged, approve } = k;
  switch (row.scenario as Scenario) {
    case 'decline':
      await s
        .updateTable('pg_sandbox_payments')
        .set({
          status: 'ABORTED',
          failure: JSON.stringify({
            code: tossErrors.declined.code,
            message: tossErrors.declined.message,
          }),
        })
        .where('payment_key', '=', row.payment_key)
        .execute();
      return fail(c, tossErrors.declined);
    case 'pg_error':
      return fail(c, tossErrors.internal);
    case 'pg_error_once':
      if (row.confirms === 1) return fail(c, tossErrors.internal);
      break;
    case 'late_processing': {
      await s
        .updateTable('pg_sandbox_payments')
        .set({ status: 'IN_PROGRESS' })
        .where('payment_key', '=', row.payment_key)
        .execute();
      await sleep(k.delayMs);
      const done = await approve(s, row.payment_key);
      if (!done) return fail(c, tossErrors.alreadyProcessed);
      void statusChanged(done);
      return c.json(toTossPayment(done), 200);
    }
    case 'late_answer': {
      const done = await approve(s, row.payment_key);
      await sleep(k.delayMs);
      return done ? c.json(toTossPayment(done), 200) : fail(c, tossErrors.alreadyProcessed);
    }
  }
  const done = await approve(s, row.payment_key);
  return done ? c.json(toTossPayment(done), 200) : fail(c, tossErrors.alreadyProcessed);
}
