/** A small service on the kit, used by the kit's own tests: one table, one route, one handler. */
import {
  type App,
  createRoute,
  currentContext,
  idempotent,
  jsonBody,
  jsonResponse,
  PermanentEventError,
  problems,
  requireRole,
  type ServiceDefinition,
  sql,
  type WorkContext,
  z,
} from '../src/index.ts';
import type { PlatformTables } from '../src/platform-migrations.ts';

export interface DemoDb extends PlatformTables {
  reviews: { id: string; product_id: string; rating: number };
  deliveries: { shipment_id: string; recipient: string };
}

const createReview = createRoute({
  method: 'post',
  path: '/api/v1/reviews',
  middleware: [requireRole('buyer')] as const,
  request: {
    body: jsonBody(
      z.object({ productId: z.string().min(1), rating: z.int().min(1).max(5), content: z.string().max(10) }),
    ),
  },
  responses: { 201: jsonResponse(z.object({ id: z.string() }), 'Created'), ...problems(400, 401, 403) },
});

/** The context each delivery's handler ran in, by shipment id. */
export const handledIn = new Map<string, WorkContext | undefined>();

/** How many handlers of 'slow' events run at once, and the most seen (the kit's bound on event work). */
export const inHandler = { now: 0, max: 0 };
/** The lock and statement timeouts a handler ran under (recipient `timeouts`). */
export const timeoutsSeen: { lock: string; statement: string }[] = [];

export const demoService: ServiceDefinition<DemoDb> = {
  name: 'review',
  migrations: {
    '0001_demo': {
      async up(db) {
        await sql`create table reviews (id text primary key, product_id text not null, rating int not null)`.execute(
          db,
        );
        await sql`create table deliveries (shipment_id text not null, recipient text not null)`.execute(db);
      },
    },
  },
  routes(app: App, { db, events }) {
    // A sandbox speaking a third party's OAuth API checks the bearer tokens it issued itself.
    app.get('/sandbox/demo/whoami', (c) =>
      c.json({ authorization: c.req.header('authorization') ?? null, principal: c.get('principal') ?? null }),
    );
    app.use('/api/v1/reviews', idempotent(db, 'reviews.create'));
    app.openapi(createReview, async (c) => {
      const body = c.req.valid('json');
      const id = `r-${Math.random().toString(36).slice(2)}`;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('reviews')
          .values({ id, product_id: body.productId, rating: body.rating })
          .execute();
        await events.publish(trx, 'review.created', {
          reviewId: id,
          productId: body.productId,
          userId: c.get('principal')!.userId,
          orderId: 'o-1',
          rating: body.rating,
          createdAt: new Date().toISOString(),
        });
        if (body.content === 'rollback') throw new Error('rolled back on purpose');
      });
      return c.json({ id }, 201);
    });
  },
  handlers: () => ({
    'shipping.delivered': async (event, { trx }) => {
      handledIn.set(event.data.shipmentId, currentContext());
      if (event.data.recipient === 'slow') {
        inHandler.now++;
        inHandler.max = Math.max(inHandler.max, inHandler.now);
        await new Promise((r) => setTimeout(r, 100)).finally(() => inHandler.now--);
      }
      if (event.data.recipient === 'timeouts') {
        const { rows } = await sql<{ lock: string; statement: string }>`
          select current_setting('lock_timeout') as lock, current_setting('statement_timeout') as statement`.execute(
          trx,
        );
        timeoutsSeen.push(rows[0]!);
      }
      if (event.data.recipient === 'transient') throw new Error('database hiccup');
      if (event.data.recipient === 'never') throw new PermanentEventError('cannot ever be processed');
      await trx
        .insertInto('deliveries')
        .values({ shipment_id: event.data.shipmentId, recipient: event.data.recipient })
        .execute();
    },
  }),
};
