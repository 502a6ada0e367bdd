import { decodeCursor, type Kysely, keysetPage, z } from '@mp/platform';
import type { Database, Role, UserStatus } from '../db/schema.ts';

const position = z.object({ id: z.uuid() });

/** Accounts, newest first, by status, role or a piece of their email or name; a keyset page at a time. */
export async function listAccounts(
  db: Kysely<Database>,
  q: {
    status?: UserStatus | undefined;
    role?: Role | undefined;
    q?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const after = decodeCursor(q.cursor, position);
  let query = db
    .selectFrom('users')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.role) query = query.where('role', '=', q.role);
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    query = query.where((eb) => eb.or([eb('email', 'ilike', like), eb('name', 'ilike', like)]));
  }
  if (after) query = query.where('id', '<', after.id);
  const rows = await query.execute();
  const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({ id: last.id }));
  return { rows: page, nextCursor };
}
