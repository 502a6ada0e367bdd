import {
  type App,
  createRoute,
  decodeCursor,
  encodeCursor,
  jsonResponse,
  pageOf,
  pageQuery,
  problems,
  requireRole,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';

const monitoredEvent = z
  .object({
    eventId: z.string().nullable(),
    eventType: z.string().nullable(),
    topic: z.string(),
    source: z.string().nullable(),
    correlationId: z.string().nullable(),
    userId: z.string().nullable(),
    occurredAt: z.string().nullable(),
    receivedAt: z.string(),
    valid: z.boolean(),
    problems: z.array(z.string()).nullable(),
    deadLetter: z.boolean(),
    deliveries: z.int(),
    envelope: z.unknown(),
  })
  .openapi('MonitoredEvent');

const listEvents = createRoute({
  method: 'get',
  path: '/api/v1/admin/events',
  summary: 'The event monitor: recent events, newest first',
  middleware: [requireRole('admin')] as const,
  request: {
    query: pageQuery.extend({
      type: z.string().max(100).optional(),
      correlationId: z.string().max(200).optional(),
      eventId: z.string().max(100).optional(),
      deadLetter: z.enum(['true', 'false']).optional(),
    }),
  },
  responses: { 200: jsonResponse(pageOf(monitoredEvent), 'Events'), ...problems(400, 401, 403) },
});

export function eventRoutes(app: App, { db }: ServiceDeps<Database>) {
  app.openapi(listEvents, async (c) => {
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, z.object({ id: z.int() }));
    let query = db
      .selectFrom('event_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    if (q.type)
      query = query.where((eb) => eb.or([eb('event_type', '=', q.type!), eb('topic', '=', q.type!)]));
    if (q.correlationId) query = query.where('correlation_id', '=', q.correlationId);
    if (q.eventId) query = query.where('event_id', '=', q.eventId);
    if (q.deadLetter) query = query.where('dead_letter', '=', q.deadLetter === 'true');
    if (after) query = query.where('id', '<', after.id);
    const rows = await query.execute();
    const page = rows.slice(0, q.limit);
    return c.json(
      {
        items: page.map((r) => ({
          eventId: r.event_id,
          eventType: r.event_type,
          topic: r.topic,
          source: r.source,
          correlationId: r.correlation_id,
          userId: r.user_id,
          occurredAt: r.occurred_at?.toISOString() ?? null,
          receivedAt: r.received_at.toISOString(),
          valid: r.valid,
          problems: r.problems,
          deadLetter: r.dead_letter,
          deliveries: r.deliveries,
          envelope: r.envelope,
        })),
        nextCursor: rows.length > q.limit ? encodeCursor({ id: page.at(-1)!.id }) : null,
      },
      200,
    );
  });
}
