/**
 * The kit's database pool rides out PostgreSQL ending a connection (a restart, or an operator's
 * pg_terminate_backend) while a transaction holds it between two statements: the transaction
 * fails, the process stays up, and the pool serves the next one on a fresh connection.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/db.ts';

const url = process.env.TEST_DATABASE_URL!;
const db = createDb<unknown>(url, 'public', 2);
const admin = new pg.Client({ connectionString: url });
afterAll(async () => {
  await db.destroy();
  await admin.end().catch(() => {});
});

describe('createDb', () => {
  it('a connection ended by the server inside a transaction fails that transaction, not the process', async () => {
    await admin.connect();
    const failed = await db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
        // The server's FATAL message arrives while the client is lent out and idle.
        await new Promise((r) => setTimeout(r, 300));
        await sql`select 1`.execute(trx);
      })
      .then(
        () => undefined,
        (err: Error) => err,
      );
    expect(failed).toBeInstanceOf(Error);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(rows[0]!.one).toBe(1);
  });
});
