/**
 * What a statement costs PostgreSQL and the app, unnamed or prepared: the kit's pool (`createDb`)
 * with and without `DB_PREPARED_STATEMENTS`, one connection, on a throw-away table, the three
 * kinds of statement kysely writes on a saga's path (an insert returning columns, a select by an
 * index with an `in` list, a conditional update), each transaction `begin`, the three, `commit`.
 *   node bench/prepared.bench.ts [transactions=2000]
 * PostgreSQL's CPU is its backend process's (from /proc, so PostgreSQL must run on this machine,
 * as the local stack's does); the app's is this process's.
 */
import { randomUUID } from 'node:crypto';
import { createDb, type Generated, sql } from '@mp/platform';
import { stat } from './lib/cpu.ts';

const transactions = Number(process.argv[2] ?? 2000);
const url = `${process.env.MP_DATABASE_BASE_URL ?? 'postgres://marketplace:marketplace@127.0.0.1:5432'}/postgres`;
const table = `bench_prepared_${randomUUID().slice(0, 8)}`;

interface Row {
  id: string;
  order_id: string;
  status: string;
  amount: number;
  created_at: Generated<Date>;
}
type Db = Record<string, Row>;

/** CPU ms a process has spent so far. */
const cpuMs = (pid: number) => stat(pid)!.cpu * 1000;

async function run(prepare: boolean) {
  const db = createDb<Db>(url, 'public', 1, { prepare });
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
  const pid = rows[0]!.pid;
  const round = async (i: number) =>
    db.transaction().execute(async (trx) => {
      const id = randomUUID();
      const orderId = randomUUID();
      await trx
        .insertInto(table)
        .values({ id, order_id: orderId, status: 'PENDING', amount: 1000 + i })
        .returning(['id', 'status', 'created_at'])
        .executeTakeFirstOrThrow();
      await trx
        .selectFrom(table)
        .select(['id', 'status', 'amount', 'created_at'])
        .where('order_id', '=', orderId)
        .where('status', 'in', ['PENDING', 'PAID'])
        .orderBy('created_at', 'desc')
        .limit(10)
        .execute();
      await trx
        .updateTable(table)
        .set({ status: 'PAID' })
        .where('id', '=', id)
        .where('status', '=', 'PENDING')
        .returning('id')
        .executeTakeFirst();
    });
  for (let i = 0; i < 200; i++) await round(i);
  const server = cpuMs(pid);
  const app = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < transactions; i++) await round(i);
  const appUsed = process.cpuUsage(app);
  const statements = transactions * 3;
  console.log(
    `${prepare ? 'prepared' : 'unnamed '}  per statement: PostgreSQL ${((cpuMs(pid) - server) / statements).toFixed(3)} CPU ms, ` +
      `the app ${((appUsed.user + appUsed.system) / 1000 / statements).toFixed(3)} CPU ms, ` +
      `${((performance.now() - started) / statements).toFixed(3)} ms apart`,
  );
  await db.destroy();
}

const admin = createDb<Db>(url, 'public', 1, { prepare: false });
await sql`create table ${sql.id(table)} (id uuid primary key, order_id uuid not null, status text not null,
  amount bigint not null, created_at timestamptz not null default now())`.execute(admin);
await sql`create index on ${sql.id(table)} (order_id)`.execute(admin);
try {
  for (const prepare of [false, true, false, true]) await run(prepare);
} finally {
  await sql`drop table ${sql.id(table)}`.execute(admin);
  await admin.destroy();
}
