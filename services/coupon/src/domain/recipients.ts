import type { InternalUser as Account } from '@mp/contracts';
import { ApiError, type Dapr } from '@mp/platform';

export type Refusal = 'USER_NOT_FOUND' | 'USER_NOT_ACTIVE' | 'USER_NOT_A_BUYER';

/** How many of user's accounts are asked for at once. */
const AT_ONCE = 16;

/**
 * Sorts the users a coupon is to be granted to into active buyers and refusals, asking user's
 * `GET /internal/users/{id}` for each (16 at a time). An unreachable user service fails the whole request (503):
 * nothing is granted on a guess.
 */
export async function checkRecipients(dapr: Dapr, userIds: readonly string[]) {
  const buyers: string[] = [];
  const refused: { userId: string; reason: Refusal }[] = [];
  const verdicts = new Map<string, Refusal | null>();
  const queue = [...userIds];
  const ask = async () => {
    for (let userId = queue.shift(); userId !== undefined; userId = queue.shift())
      verdicts.set(userId, verdictOf(await accountOf(dapr, userId)));
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, queue.length) }, ask));
  for (const userId of userIds) {
    const reason = verdicts.get(userId) ?? null;
    if (reason) refused.push({ userId, reason });
    else buyers.push(userId);
  }
  return { buyers, refused };
}

async function accountOf(dapr: Dapr, userId: string): Promise<Account | undefined> {
  try {
    return await dapr.call('user.users.get', { params: { id: userId } });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

function verdictOf(a: Account | undefined): Refusal | null {
  if (!a) return 'USER_NOT_FOUND';
  if (a.status !== 'ACTIVE') return 'USER_NOT_ACTIVE';
  if (a.role !== 'buyer') return 'USER_NOT_A_BUYER';
  return null;
}
