import { CompiledQuery, Kysely, PostgresDialect, type RawBuilder, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import pg from 'pg';
import { z } from 'zod';
import { platformMigrations } from './platform-migrations.ts';

// int8 (bigint, count(*)) as JS numbers: money and counters here stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
// numeric as number (averages, rates).
pg.types.setTypeParser(1700, (v) => Number.parseFloat(v));

export type Migrations = Record<string, Migration>;

/** How PostgreSQL plans a prepared statement: `auto` may keep one generic plan after five runs. */
export const planCacheMode = z.enum(['auto', 'force_custom_plan']);

export interface Statements {
  /** `false` sends every statement unnamed, for a connection pooler that cannot keep named ones. */
  prepare?: boolean;
  /** `force_custom_plan` where a statement's best plan depends on its values (search's words). */
  planCacheMode?: z.infer<typeof planCacheMode>;
}

/** A pool whose connections see the service's own schema first; decision 0069 for how it sends and plans statements. */
export function createDb<DB>(
  url: string,
  schema: string,
  max = 10,
  { prepare = true, planCacheMode = 'auto' }: Statements = {},
): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    options: `-c search_path=${schema},public -c plan_cache_mode=${planCacheMode}`,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client's network error must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // Nor may a checked-out one's: PostgreSQL ending the connection (a restart, 57P01) between two
  // statements of a transaction is emitted on the client, which the pool does not listen to while
  // it is lent out. The next statement fails (the transaction is retried) and the pool discards the
  // client when it comes back.
  pool.on('connect', (client) => {
    client.on('error', () => {});
    if (prepare) prepareRepeatedStatements(client);
    beginWithFirstStatement(client);
  });
  pool.on('release', (_err: Error | undefined, client: pg.PoolClient) => settled.get(client)?.());
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

const pools = new WeakMap<object, pg.Pool>();

/** Forgets a client's deferred `begin` when it goes back to the pool (a transaction that never ran a statement). */
const settled = new WeakMap<object, () => void>();

type Query = (...args: unknown[]) => Promise<unknown>;
const result = (command: string) => ({ command, rowCount: null, rows: [], fields: [], oid: 0 });

/**
 * Saves a round trip per transaction: the `begin` kysely sends is held back and goes with the
 * transaction's first statement, as one simple-protocol query (`begin;<statement>`), when that
 * statement has no parameters (the kit writes its first statements so: the processed-event mark,
 * the relay's due rows, `lockKey`); before any other statement it is sent on its own, as before.
 * A transaction that ran no statement sends neither `begin` nor its `commit`/`rollback`.
 * PostgreSQL takes a transaction's snapshot at its first statement, not at `begin`, so nothing
 * a transaction sees changes; node-postgres runs a client's queries one after another, in order.
 */
export function beginWithFirstStatement(client: { query: unknown }): void {
  const query = (client.query as Query).bind(client);
  let pending = false;
  settled.set(client, () => {
    pending = false;
  });
  client.query = (...args: unknown[]) => {
    const [text, values] = args;
    const plain =
      typeof text === 'string' &&
      args.length <= 2 &&
      (values === undefined || (Array.isArray(values) && !values.length));
    if (!pending) {
      if (!plain || text !== 'begin') return query(...args);
      pending = true;
      return Promise.resolve(result('BEGIN'));
    }
    pending = false;
    if (plain && (text === 'commit' || text === 'rollback'))
      return Promise.resolve(result(text.toUpperCase()));
    if (plain) return query(`begin;${text}`).then((r) => (Array.isArray(r) ? r[r.length - 1] : r));
    // Queued ahead of the statement; a failed `begin` (a lost connection) fails that statement too.
    query('begin').catch(() => {});
    return query(...args);
  };
}

/** A statement's text seen this many times in the process is prepared on the connections that run it. */
const PREPARE_AFTER = 2;
/** Named statements kept on one connection; statements beyond it go unnamed. */
const PREPARED_PER_CONNECTION = 200;
/** Distinct statement texts counted in the process; texts first seen beyond it go unnamed. */
const COUNTED_TEXTS = 5_000;
const seen = new Map<string, number>();

type Parsed = { connection?: { parsedStatements?: Record<string, string> } };
/** The server dropped the statement (`26000`) or a table under it changed shape (`0A000`). */
const lostStatement = (err: unknown) => {
  const { code, message } = err as { code?: string; message?: string };
  return code === '26000' || (code === '0A000' && /cached plan/.test(message ?? ''));
};

/**
 * Runs each statement the process repeats as a named prepared statement on the connection, so
 * PostgreSQL parses it once per connection and, after five runs, may keep one plan for it (in
 * `plan_cache_mode = auto`, what a JDBC client gets by default; search plans each run, see
 * `DB_PLAN_CACHE_MODE`): PostgreSQL's CPU per statement
 * 0.145 → 0.09 ms in `bench/prepared.bench.ts` (decision 0069). Only statements with parameters
 * are named (kysely's, the kit's `CompiledQuery`s); one seen once in the process stays unnamed,
 * and a connection keeps at most `PREPARED_PER_CONNECTION` (multi-row inserts vary in length).
 * A statement the server lost (a table altered under it) is forgotten on that connection and
 * prepared afresh under a new name the next time.
 */
export function prepareRepeatedStatements(client: { query: unknown }): void {
  const query = (client.query as Query).bind(client);
  const names = new Map<string, string>();
  let next = 0;
  client.query = (...args: unknown[]) => {
    const [text, values] = args;
    if (args.length !== 2 || typeof text !== 'string' || !Array.isArray(values) || !values.length)
      return query(...args);
    let name = names.get(text);
    if (name === undefined) {
      const count = (seen.get(text) ?? 0) + 1;
      if (count < PREPARE_AFTER) {
        if (seen.size < COUNTED_TEXTS) seen.set(text, count);
        return query(text, values);
      }
      if (names.size >= PREPARED_PER_CONNECTION) return query(text, values);
      name = `mp${next++}`;
      names.set(text, name);
    }
    return query({ name, text, values }).catch((err: unknown) => {
      if (lostStatement(err)) {
        names.delete(text);
        delete (client as Parsed).connection?.parsedStatements?.[name];
      }
      throw err;
    });
  };
}

/** The pool under a database made by `createDb` (its connection counts are metrics). */
export const poolOf = (db: object): pg.Pool | undefined => pools.get(db);

/**
 * The first migration of every service: describes the schema it owns. Shipped with the skeletons,
 * so it stays in each service's list (a migration that has run anywhere is never removed).
 */
export function describeSchema(description: string): Migration {
  return {
    async up(db) {
      await sql`comment on schema ${sql.id(await currentSchema(db))} is ${sql.lit(description)}`.execute(db);
    },
  };
}

async function currentSchema(db: Kysely<unknown>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]!.schema;
}

/**
 * Creates the schema if needed and applies the kit's tables (outbox, inbox, idempotency keys)
 * and then the service's own migrations, in name order. Replicas starting together serialize on
 * kysely's migration lock.
 */
export async function migrate(
  db: Kysely<unknown>,
  schema: string,
  migrations: Migrations,
): Promise<string[]> {
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  const all: Migrations = { ...platformMigrations, ...migrations };
  const migrator = new Migrator({
    db,
    migrationTableSchema: schema,
    // Several teams add migrations to one service in parallel branches; each is independent, so
    // one that sorts before an applied one still runs instead of stopping the service.
    allowUnorderedMigrations: true,
    provider: { getMigrations: async () => all },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Serialises the transactions that touch one thing (an order, a seller, a setting) by a key of
 * the caller's choosing: a PostgreSQL advisory lock held until the transaction ends. Use it where
 * two handlers each read what the other writes (a check-then-insert across tables), which row
 * locks cannot guard because the row may not exist yet.
 */
export async function lockKey(trx: Kysely<any>, key: string): Promise<void> {
  // A quoted literal, not a parameter: first in a transaction, it goes with the `begin`.
  await trx.executeQuery(CompiledQuery.raw(`select pg_advisory_xact_lock(hashtextextended(${lit(key)}, 0))`));
}

/** A string as a quoted SQL literal (node-postgres' own quoting), for statements sent without parameters. */
export const lit = (value: string): string => pg.escapeLiteral(value);

/**
 * A value for a json/jsonb column, typed as the column: serialised here, because pg would send a
 * JS array as a PostgreSQL array and an object through its own toJSON rules. PostgreSQL infers
 * the parameter's type from the column it is written to.
 */
export function jsonb<T>(value: T): RawBuilder<T> {
  return sql<T>`${JSON.stringify(value)}`;
}
