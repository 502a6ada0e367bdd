import {
  ApiError,
  conflict,
  newId,
  type Selectable,
  type ServiceDeps,
  sql,
  type Transaction,
} from '@mp/platform';
import type { Database, GrantJobsTable } from '../db/schema.ts';
import { type Granter, grantableCoupon } from './grant-requests.ts';
import { grantCoupon } from './grants.ts';

type Deps = Pick<ServiceDeps<Database>, 'db' | 'dapr' | 'events' | 'log'>;
export type GrantJob = Selectable<GrantJobsTable>;

/** The channel a new job is announced on (NOTIFY is delivered on commit). */
export const GRANT_JOBS_CHANNEL = 'coupon_grant_jobs';
const announce = (trx: Transaction<Database>) =>
  sql`select pg_notify(${GRANT_JOBS_CHANNEL}, current_schema())`.execute(trx);

/**
 * 전체 발급: starts a job that issues a platform coupon to every active buyer. One job runs per
 * coupon at a time; asking again while it runs answers the running job (`started: false`).
 */
export async function startGrantJob({ db }: Pick<Deps, 'db'>, by: Granter, couponId: string) {
  const coupon = await grantableCoupon(db, by, couponId);
  if (coupon.status !== 'ACTIVE' || coupon.valid_until.getTime() <= Date.now())
    throw conflict('COUPON_EXPIRED', 'This coupon has expired');
  return db.transaction().execute(async (trx) => {
    const job = await trx
      .insertInto('grant_jobs')
      .values({
        id: newId(),
        coupon_id: couponId,
        created_by: by.userId,
        cursor: null,
        stopped_reason: null,
        finished_at: null,
      })
      .onConflict((oc) => oc.column('coupon_id').where('status', '=', 'RUNNING').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (job) {
      await announce(trx);
      return { job, started: true };
    }
    const running = await trx
      .selectFrom('grant_jobs')
      .selectAll()
      .where('coupon_id', '=', couponId)
      .where('status', '=', 'RUNNING')
      .executeTakeFirstOrThrow();
    return { job: running, started: false };
  });
}

/**
 * One batch of a running job: the next page of active buyers from user (`GET /internal/users`,
 * newest first, from the job's cursor), granted with the same race-free SQL as a grant to listed
 * users, and the job's cursor and counts moved — all in one transaction, so a crash before the
 * commit leaves the cursor where it was and the page is simply done again (a user who got the
 * coupon is never granted twice: the unique key). Replicas share jobs by SKIP LOCKED.
 * Answers whether a batch was done.
 */
export async function grantNextBatch(deps: Deps, pageSize = 100): Promise<boolean> {
  try {
    return await grantBatch(deps, pageSize);
  } catch (err) {
    if (!(err instanceof CouponGone)) throw err;
    // The batch rolled back whole; the job stops with the coupon's reason.
    await deps.db
      .updateTable('grant_jobs')
      .set({
        status: 'STOPPED',
        stopped_reason: err.reason,
        finished_at: sql<Date>`now()`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', err.jobId)
      .where('status', '=', 'RUNNING')
      .execute();
    deps.log.warn({ jobId: err.jobId, reason: err.reason }, 'coupon grant job stopped');
    return true;
  }
}

/** A coupon that can no longer be issued (deleted, expired): its job's batch rolls back and the job stops. */
class CouponGone extends Error {
  readonly jobId: string;
  readonly reason: string;
  constructor(jobId: string, reason: string) {
    super(`coupon of grant job ${jobId}: ${reason}`);
    this.jobId = jobId;
    this.reason = reason;
  }
}

function grantBatch(deps: Deps, pageSize: number): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    const job = await trx
      .selectFrom('grant_jobs')
      .selectAll()
      .where('status', '=', 'RUNNING')
      .orderBy('created_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!job) return false;
    const page = await deps.dapr.call('user.users.list', {
      query: {
        status: 'ACTIVE',
        role: 'buyer',
        limit: pageSize,
        ...(job.cursor ? { cursor: job.cursor } : {}),
      },
    });
    const userIds = page.items.map((u) => u.userId);
    let outcome: Awaited<ReturnType<typeof grantCoupon>>;
    try {
      outcome = await grantCoupon(trx, deps.events, job.coupon_id, userIds);
    } catch (err) {
      if (err instanceof ApiError && err.status < 500) throw new CouponGone(job.id, err.code);
      throw err;
    }
    const runOut = outcome.exhausted.length > 0;
    const last = page.nextCursor === null;
    await trx
      .updateTable('grant_jobs')
      .set((eb) => ({
        cursor: page.nextCursor,
        batches: eb('batches', '+', 1),
        users_seen: eb('users_seen', '+', userIds.length),
        granted: eb('granted', '+', outcome.granted.length),
        already_held: eb('already_held', '+', outcome.alreadyHeld.length),
        not_granted: eb('not_granted', '+', outcome.exhausted.length),
        updated_at: sql<Date>`now()`,
        ...(runOut
          ? { status: 'STOPPED' as const, stopped_reason: 'COUPON_EXHAUSTED', finished_at: sql<Date>`now()` }
          : last
            ? { status: 'COMPLETED' as const, finished_at: sql<Date>`now()` }
            : {}),
      }))
      .where('id', '=', job.id)
      .execute();
    return true;
  });
}

/** Everything the grant worker does each time it wakes: batches until no job has one left. */
export async function runGrantJobs(deps: Deps, pageSize = 100): Promise<number> {
  let batches = 0;
  while (await grantNextBatch(deps, pageSize)) batches++;
  return batches;
}

export const toGrantJobDto = (j: GrantJob) => ({
  jobId: j.id,
  couponId: j.coupon_id,
  status: j.status,
  stoppedReason: j.stopped_reason,
  batches: j.batches,
  usersSeen: j.users_seen,
  granted: j.granted,
  alreadyHeld: j.already_held,
  notGranted: j.not_granted,
  createdAt: j.created_at.toISOString(),
  updatedAt: j.updated_at.toISOString(),
  finishedAt: j.finished_at?.toISOString() ?? null,
});
