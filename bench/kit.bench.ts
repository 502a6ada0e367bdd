/**
 * The kit's own cost per event, in-process against real PostgreSQL: deliveries through the
 * subscription route (the access log line, the processed-event mark, a handler that writes a row and
 * publishes one event), then the relay publishing them (to a sidecar that accepts everything).
 *   MP_STACK=1 bash -c 'source scripts/lib/infra.sh && node bench/kit.bench.ts [events] > .run/kit-bench.log'
 * Logs go to stdout at level info, as in a stack (send them to a file); the figures go to stderr.
 * `strace -f -c -e trace=write,writev` around it counts the write system calls. Each step also
 * prints its round trips to PostgreSQL per event (queries node-postgres sent, a multi-statement
 * simple query counting once), and a last step the relay's cost when it drains after every commit,
 * as NOTIFY wakes it on a busy stack.
 */
import { cpuUsage } from 'node:process';
import { buildEvent, OutboxRelay, type ServiceDefinition, sql } from '@mp/platform';
import { ensureTestDatabase, ms, pool, startTestService, TEST_APP_TOKEN } from '@mp/platform/testing';
import pg from 'pg';

const events = Number(process.argv[2] ?? 2000);

// Round trips: every query a node-postgres client sends (the kit's clients wrap this method).
let roundTrips = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  roundTrips++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;
ensureTestDatabase();
process.env.TEST_LOG_LEVEL = 'info';

const def: ServiceDefinition<{ seen: { shipment_id: string } }> = {
  name: 'review',
  migrations: {
    '0001_bench': {
      async up(db) {
        await sql`create table seen (shipment_id text primary key)`.execute(db);
      },
    },
  },
  routes() {},
  handlers: ({ events: publisher }) => ({
    'shipping.delivered': async (e, { trx }) => {
      await trx.insertInto('seen').values({ shipment_id: e.data.shipmentId }).execute();
      await publisher.publish(
        trx,
        'review.created',
        {
          reviewId: e.data.shipmentId,
          productId: 'p-bench',
          userId: 'u-bench',
          orderId: e.data.orderId,
          rating: 5,
          createdAt: new Date().toISOString(),
        },
        { aggregateKey: `review:${e.data.shipmentId}` },
      );
    },
  }),
};

const svc = await startTestService(def);
const deliveries = Array.from({ length: events }, (_, i) =>
  buildEvent('shipping', 'bench', 'shipping.delivered', {
    shipmentId: `sh-${i}-${Math.random().toString(36).slice(2)}`,
    orderId: `o-${i}`,
    deliveredAt: new Date().toISOString(),
    recipient: '벤치',
  }),
);

function report(what: string, n: number, run: () => Promise<unknown>) {
  return async () => {
    const cpu = cpuUsage();
    const t = process.hrtime.bigint();
    const trips = roundTrips;
    await run();
    const wall = ms(t);
    const used = cpuUsage(cpu);
    console.error(
      `${what.padEnd(40)} ${String(n).padStart(6)} events ${(wall / 1000).toFixed(2).padStart(6)} s  node CPU ${(
        (used.user + used.system) / 1000 / n
      ).toFixed(3)} ms per event  ${((roundTrips - trips) / n).toFixed(2)} round trips per event`,
    );
  };
}

// Warm-up (JIT, pool), not counted.
await pool(
  deliveries.slice(0, 100).map((e) => () => svc.deliver(e)),
  16,
);
const rest = deliveries.slice(100);
await report('deliveries (16 at once)', rest.length, async () => {
  const answers = await pool(
    rest.map((e) => async () => {
      const res = await svc.deliver(e);
      if (res.body?.status !== 'SUCCESS') throw new Error(`delivery answered ${JSON.stringify(res.body)}`);
    }),
    16,
  );
  return answers;
})();
const relay = new OutboxRelay(svc.deps.db as never, { publishBulk: async () => new Map() }, svc.deps.log, {
  pubsub: 'pubsub',
  schema: svc.schema,
  databaseUrl: '',
  pollMs: 60_000,
});
await report('relay: publish what they wrote', events, () => relay.drain())();
// A busy stack: each commit's NOTIFY wakes the relay, which publishes that commit's event.
const single = deliveries.slice(0, Math.min(200, events));
await report('relay: a drain after each commit', single.length, async () => {
  for (const e of single) {
    await svc.deps.db.transaction().execute((trx) =>
      svc.deps.events.publish(trx, 'review.deleted', {
        reviewId: e.eventId,
        productId: 'p-bench',
        userId: 'u-bench',
        deletedAt: new Date().toISOString(),
      }),
    );
    await relay.drain();
  }
})();
await svc.close();
process.exit(0);
