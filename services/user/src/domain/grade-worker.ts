import { sql } from '@mp/platform';
import { gradePolicy, type UserDeps } from '../config.ts';
import { reevaluateGrade } from './purchases.ts';

/**
 * Grades above the base that were last looked at more than a day ago: payments leave the rolling
 * window with no event to say so. Replicas share the work through SKIP LOCKED.
 */
export async function reevaluateDueGrades(deps: UserDeps, batch = 200): Promise<number> {
  const policy = gradePolicy(deps.config);
  let done = 0;
  for (;;) {
    const n = await deps.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ id: string }>`
        select id from users
        where grade <> ${policy.base} and deleted_at is null
          and (grade_evaluated_at is null or grade_evaluated_at < now() - interval '1 day')
        order by grade_evaluated_at nulls first
        limit ${batch} for update skip locked`.execute(trx);
      for (const { id } of rows) await reevaluateGrade(trx, deps.events, policy, id);
      return rows.length;
    });
    done += n;
    if (n < batch) return done;
  }
}
