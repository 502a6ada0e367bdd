/**
 * Admin's decisions on accounts and stores that it announces (admin.user.suspended,
 * admin.seller.approved). The change itself is the owner's (user, seller), reached through Dapr;
 * admin's own change is the decision, kept in `admin_actions`:
 *
 * 1. the decision is written PENDING (committed) before the call;
 * 2. the owner is called (its endpoints are idempotent: the same call twice changes nothing twice);
 * 3. the decision is marked DONE and its event written to admin's outbox in one transaction.
 *
 * A crash (or a lost answer) between 2 and 3 leaves the decision PENDING: the recovery worker calls
 * the owner again and, when the account or store is now as decided, marks it DONE with its event.
 * So the event is never lost; after such a crash it may be announced for an account that was
 * already suspended (its consumers are idempotent). An owner's refusal (4xx) drops the decision.
 */
import type { changedAdminUser, changedSeller } from '@mp/contracts';
import {
  ApiError,
  type Dapr,
  type EventPublisher,
  type Kysely,
  newId,
  publishOptions,
  sql,
  type z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';

export type ActionKind = 'USER_SUSPEND' | 'SELLER_APPROVE';
interface Action {
  id: string;
  kind: ActionKind;
  target_id: string;
  admin_id: string;
  reason: string | null;
  created_at: Date;
}
/** The owner's view after the change: the account (user) or the store (seller). */
interface Answers {
  USER_SUSPEND: z.output<typeof changedAdminUser>;
  SELLER_APPROVE: z.output<typeof changedSeller>;
}
type Answer = Answers[ActionKind];
interface Deps {
  db: Kysely<Database>;
  dapr: Dapr;
  events: EventPublisher;
}

const callOwner = (dapr: Dapr, a: Action): Promise<Answer> =>
  a.kind === 'USER_SUSPEND'
    ? dapr.call('user.users.suspend', {
        params: { id: a.target_id },
        body: { ...(a.reason !== null ? { reason: a.reason } : {}), adminId: a.admin_id },
      })
    : dapr.call('seller.sellers.approve', { params: { id: a.target_id }, body: { adminId: a.admin_id } });
/** The state the decision leaves the account or store in. */
const decided: Record<ActionKind, string> = { USER_SUSPEND: 'SUSPENDED', SELLER_APPROVE: 'VERIFIED' };

/** Marks the decision done and, if it changed something, writes its event in the same transaction. */
async function finish({ db, events }: Deps, a: Action, announce: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('admin_actions')
      .set({ status: 'DONE', done_at: new Date() })
      .where('id', '=', a.id)
      .where('status', '=', 'PENDING')
      .executeTakeFirst();
    if (!done.numUpdatedRows || !announce) return;
    const at = a.created_at.toISOString();
    if (a.kind === 'USER_SUSPEND')
      await events.publish(
        trx,
        'admin.user.suspended',
        { userId: a.target_id, adminId: a.admin_id, reason: a.reason ?? '', suspendedAt: at },
        publishOptions('user', a.target_id, { userId: a.target_id }),
      );
    else
      await events.publish(
        trx,
        'admin.seller.approved',
        { sellerId: a.target_id, adminId: a.admin_id, approvedAt: at },
        publishOptions('seller', a.target_id, { userId: a.admin_id }),
      );
  });
}

/** Decides, has the owner apply it, and announces it (see above); answers the owner's view. */
export async function decide<K extends ActionKind>(
  deps: Deps,
  kind: K,
  targetId: string,
  adminId: string,
  reason?: string,
): Promise<Answers[K]> {
  const a = await deps.db
    .insertInto('admin_actions')
    .values({ id: newId(), kind, target_id: targetId, admin_id: adminId, reason: reason ?? null })
    .returningAll()
    .executeTakeFirstOrThrow();
  let answer: Answer;
  try {
    answer = await callOwner(deps.dapr, a);
  } catch (err) {
    // Refused (no such account, a transition the owner does not allow): nothing was decided.
    if (err instanceof ApiError && err.status < 500)
      await deps.db.deleteFrom('admin_actions').where('id', '=', a.id).execute();
    throw err;
  }
  await finish(deps, a, answer.changed === true);
  // callOwner answered for this action's kind.
  return answer as Answers[K];
}

/** Finishes decisions left PENDING for longer than `afterMs` (a crash, a lost answer); answers how many. */
export async function recoverActions(deps: Deps, afterMs = 60_000): Promise<number> {
  const pending = await deps.db
    .selectFrom('admin_actions')
    .selectAll()
    .where('status', '=', 'PENDING')
    .where('created_at', '<', sql<Date>`now() - ${`${afterMs} milliseconds`}::interval`)
    .orderBy('created_at')
    .limit(50)
    .execute();
  let n = 0;
  for (const a of pending) {
    try {
      const answer = await callOwner(deps.dapr, a);
      await finish(deps, a, answer.changed === true || answer.status === decided[a.kind]);
      n++;
    } catch (err) {
      if (err instanceof ApiError && err.status < 500) {
        await finish(deps, a, false);
        n++;
      }
      // Otherwise the owner is still unreachable: the next round tries again.
    }
  }
  return n;
}
