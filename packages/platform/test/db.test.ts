/**
 * The kit's database pool rides out PostgreSQL ending a connection (a restart, or an operator's
 * pg_terminate_backend) while a transaction holds it between two statements: the transaction
 * fails, the process stays up, and the pool serves the next one on a fresh connection.
 */
import { randomUUID } from 'node:crypto';
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

describe('prepared statements', () => {
  // One connection each, so every statement below runs on the connection the checks look at.
  const prepared = createDb<unknown>(url, 'public', 1);
  const unnamed = createDb<unknown>(url, 'public', 1, { prepare: false });
  afterAll(async () => {
    await prepared.destroy();
    await unnamed.destroy();
  });
  const run = (on: typeof db, text: string, value: unknown = 1) =>
    on.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, [value]));
  const preparedTexts = async (on: typeof db) =>
    (
      await on.executeQuery<{ statement: string }>(
        CompiledQuery.raw('select statement from pg_prepared_statements'),
      )
    ).rows.map((r) => r.statement);
  const unique = () => `/* ${randomUUID()} */`;

  it('prepares a statement the process repeats, once per connection, and not one run once', async () => {
    const once = `select $1::int as n ${unique()}`;
    const twice = `select $1::int + 1 as n ${unique()}`;
    await run(prepared, once);
    for (const v of [1, 2, 3]) expect((await run(prepared, twice, v)).rows).toEqual([{ n: v + 1 }]);
    const texts = await preparedTexts(prepared);
    expect(texts.filter((t) => t === twice)).toHaveLength(1);
    expect(texts).not.toContain(once);
  });

  it("sets PostgreSQL's plan cache mode on the pool's connections", async () => {
    const custom = createDb<unknown>(url, 'public', 1, { planCacheMode: 'force_custom_plan' });
    const mode = async (on: typeof db) =>
      (await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(on)).rows[0]!.plan_cache_mode;
    expect(await mode(prepared)).toBe('auto');
    expect(await mode(custom)).toBe('force_custom_plan');
    await custom.destroy();
  });

  it('sends every statement unnamed when told not to prepare', async () => {
    const text = `select $1::int as n ${unique()}`;
    for (const v of [1, 2, 3]) await run(unnamed, text, v);
    expect(await preparedTexts(unnamed)).toEqual([]);
  });

  it('keeps at most 200 statements on a connection; the rest run unnamed', async () => {
    const prepared = createDb<unknown>(url, 'public', 1);
    const texts = Array.from({ length: 210 }, (_, i) => `select $1::int * ${i} as n ${unique()}`);
    for (const text of texts) {
      await run(prepared, text, 2);
      const { rows } = await run(prepared, text, 3);
      expect(rows).toEqual([{ n: 3 * texts.indexOf(text) }]);
    }
    const kept = await preparedTexts(prepared);
    expect(kept.length).toBeLessThanOrEqual(200);
    expect(kept).toContain(texts[0]);
    expect(kept).not.toContain(texts[209]);
    await prepared.destroy();
  });

  it('prepares a statement afresh when a table under it changed shape', async () => {
    const table = `prepared_probe_${randomUUID().slice(0, 8)}`;
    await sql`create table ${sql.id(table)} (a int)`.execute(unnamed);
    await sql`insert into ${sql.id(table)} values (1)`.execute(unnamed);
    const text = `select * from ${table} where a = $1`;
    for (let i = 0; i < 3; i++) expect((await run(prepared, text)).rows).toEqual([{ a: 1 }]);
    await sql`alter table ${sql.id(table)} add column b int default 2`.execute(unnamed);
    // The plan PostgreSQL kept cannot change its columns: that run fails, as any statement can …
    await expect(run(prepared, text)).rejects.toThrow(/cached plan/);
    // … and the next is prepared again and sees the new column.
    expect((await run(prepared, text)).rows).toEqual([{ a: 1, b: 2 }]);
    expect((await run(prepared, text)).rows).toEqual([{ a: 1, b: 2 }]);
    await sql`drop table ${sql.id(table)}`.execute(unnamed);
  });
});
