/** Service tests need PostgreSQL: scripts/test.sh starts it; this checks it answers. */
import pg from 'pg';

export default async function setup() {
  const url =
    process.env.TEST_DATABASE_URL ?? 'postgres://marketplace:marketplace@127.0.0.1:5432/marketplace_test';
  process.env.TEST_DATABASE_URL = url;
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${url.replace(/:[^:@/]+@/, ':***@')}: run the tests with scripts/test.sh, which starts it (${err})`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}
