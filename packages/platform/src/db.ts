import { CompiledQuery, Kysely, PostgresDialect, type RawBuilder, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import pg from 'pg';
import { platformMigrations } from './platform-migrations.ts';

// int8 (bigint, count(*)) as JS numbers: money and counters here stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
// numeric as number (averages, rates).
pg.types.setTypeParser(1700, (v) => Number.parseFloat(v));

export type Migrations = Record<string, Migration>;

/** A pool whose connections see the service's own schema first. */
export function createDb<DB>(url: string, schema: string, max = 10): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    options: `-c search_path=${schema},public`,
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
