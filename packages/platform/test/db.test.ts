/**
 * The kit's database pool rides out PostgreSQL ending a connection (a restart, or an operator's
 * pg_terminate_backend) while a transaction holds it between two statements: the transaction
 * fails, the process stays up, and the pool serves the next one on a fresh connection.
 */
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { beginWithFirstStatement, createDb, lit } from '../src/db.ts';

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

  it("sends a transaction's begin with its first statement when that has no parameters", async () => {
    const sent: unknown[][] = [];
    const client = {
      query: async (...args: unknown[]) => {
        sent.push(args);
        return String(args[0]).startsWith('begin;')
          ? [{ command: 'BEGIN' }, { command: 'SELECT', rows: [1] }]
          : {};
      },
    };
    beginWithFirstStatement(client);
    const q = client.query as (...args: unknown[]) => Promise<{ rows?: unknown[] }>;
    await q('begin', []);
    expect((await q('select 1', [])).rows).toEqual([1]);
    await q('select $1', [2]);
    await q('commit', []);
    // A first statement with parameters: the begin goes on its own, ahead of it.
    await q('begin', []);
    await q('select $1', [3]);
    await q('rollback', []);
    // A transaction without statements sends nothing.
    await q('begin', []);
    await q('commit', []);
    expect(sent).toEqual([
      ['begin;select 1'],
      ['select $1', [2]],
      ['commit', []],
      ['begin'],
      ['select $1', [3]],
      ['rollback', []],
    ]);
  });

  it('keeps a transaction whole when its begin rides with the first statement', async () => {
    const setting = (trx: typeof db) =>
      sql<{ v: string | null }>`select current_setting('mp.test', true) as v`.execute(trx);
    // The first statement (no parameters) and a later one see one transaction: a local setting holds.
    const seen = await db.transaction().execute(async (trx) => {
      const { rows } = await trx.executeQuery<{ one: number }>(
        CompiledQuery.raw(`select 1 as one where set_config('mp.test', ${lit("it's")}, true) is not null`),
      );
      expect(rows).toEqual([{ one: 1 }]);
      return (await setting(trx)).rows[0]!.v;
    });
    expect(seen).toBe("it's");
    // A failing first statement rolls back; the connection serves the next transaction.
    await sql`create table if not exists piggyback_probe (n int)`.execute(db);
    const failed = await db
      .transaction()
      .execute(async (trx) => {
        await trx.executeQuery(CompiledQuery.raw('insert into piggyback_probe values (1)'));
        await trx.executeQuery(CompiledQuery.raw('select 1/0'));
      })
      .then(
        () => undefined,
        (err: Error) => err,
      );
    expect(failed).toBeInstanceOf(Error);
    await db.transaction().execute(async () => {});
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from piggyback_probe`.execute(db);
    expect(rows[0]!.n).toBe(0);
    await sql`drop table piggyback_probe`.execute(db);
    // Outside a transaction a local setting does not hold: the check above was not vacuous.
    expect((await setting(db)).rows[0]!.v ?? '').toBe('');
  });
});
