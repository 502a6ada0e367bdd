import {
  ApiError,
  type App,
  createRoute,
  jsonResponse,
  problems,
  requireRole,
  type ServiceDeps,
  sql,
  z,
} from '@mp/platform';
import type { Database } from '../../db/schema.ts';

/** A section from another service: its figures, or why they are missing this time. */
const section = z.union([
  z.object({ status: z.literal('OK'), data: z.unknown() }),
  z.object({ status: z.literal('UNAVAILABLE'), code: z.string(), detail: z.string() }),
]);

const dashboard = createRoute({
  method: 'get',
  path: '/api/v1/admin/dashboard',
  summary:
    '통계 대시보드: sales and activity (stats), settlements (settlement), the review queue (product: new products and held edits waiting, counted, oldest first), the low-stock list (inventory: SKUs at 품절임박 or 품절), the event monitor and notices. A service that cannot answer leaves its section UNAVAILABLE; the rest is still shown.',
  middleware: [requireRole('admin')] as const,
  security: [{ bearer: [] }],
  responses: {
    200: jsonResponse(
      z.object({
        generatedAt: z.string(),
        sales: section,
        settlements: section,
        reviewQueue: section,
        lowStock: section,
        monitor: z.object({ eventsLast24h: z.int(), deadLettersLast24h: z.int(), invalidLast24h: z.int() }),
        notices: z.object({ drafts: z.int(), published: z.int() }),
      }),
      'The dashboard',
    ),
    ...problems(401, 403),
  },
});

export function dashboardRoutes(app: App, { db, dapr, log }: ServiceDeps<Database>) {
  const ask = async (
    appId: string,
    answer: () => Promise<Record<string, unknown>>,
  ): Promise<z.infer<typeof section>> => {
    try {
      return { status: 'OK', data: await answer() };
    } catch (err) {
      log.warn({ err, appId }, 'a dashboard section is unavailable');
      const e = err instanceof ApiError ? err : undefined;
      return {
        status: 'UNAVAILABLE',
        code: e?.code ?? 'UPSTREAM_UNAVAILABLE',
        detail: e?.detail ?? `${appId} could not be reached`,
      };
    }
  };
  const timeoutMs = 3000;

  app.openapi(dashboard, async (c) => {
    const [sales, settlements, reviewQueue, lowStock, monitor, notices] = await Promise.all([
      ask('stats', () => dapr.call('stats.dashboard', { timeoutMs })),
      ask('settlement', () => dapr.call('settlement.summary', { timeoutMs })),
      ask('product', () => dapr.call('product.reviewQueue', { query: { limit: 10 }, timeoutMs })),
      ask('inventory', () => dapr.call('inventory.lowStock.list', { query: { limit: 20 }, timeoutMs })),
      sql<{ events: number; dead: number; invalid: number }>`
        select count(*) filter (where not dead_letter)::int as events, count(*) filter (where dead_letter)::int as dead,
          count(*) filter (where not valid)::int as invalid
        from event_log where received_at > now() - interval '24 hours'`.execute(db),
      sql<{ drafts: number; published: number }>`
        select count(*) filter (where status = 'DRAFT')::int as drafts,
          count(*) filter (where status = 'PUBLISHED')::int as published from notices`.execute(db),
    ]);
    const m = monitor.rows[0]!;
    return c.json(
      {
        generatedAt: new Date().toISOString(),
        sales,
        settlements,
        reviewQueue,
        lowStock,
        monitor: { eventsLast24h: m.events, deadLettersLast24h: m.dead, invalidLast24h: m.invalid },
        notices: notices.rows[0]!,
      },
      200,
    );
  });
}
