import {
  type App,
  createRoute,
  decodeCursor,
  jsonBody,
  jsonResponse,
  keysetPage,
  notFound,
  pageOf,
  pageQuery,
  principalOf,
  problems,
  requireRole,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { replayDeadLetters } from '../domain/replay.ts';

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
    replayedAt: z.string().nullable(),
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

const replayResult = z
  .object({
    replayed: z.array(z.string()).openapi({ description: 'The event ids published again' }),
    skipped: z.array(z.object({ eventId: z.string().nullable(), reason: z.string() })),
  })
  .openapi('DeadLetterReplay');
const replayOne = createRoute({
  method: 'post',
  path: '/api/v1/admin/events/dead-letters/{eventId}/replay',
  summary: 'Publishes one dead letter again (once: a second call replays nothing)',
  middleware: [requireRole('admin')] as const,
  request: { params: z.object({ eventId: z.uuid().openapi({ param: { name: 'eventId', in: 'path' } }) }) },
  responses: { 200: jsonResponse(replayResult, 'What was replayed'), ...problems(400, 401, 403, 404) },
});
const replayMany = createRoute({
  method: 'post',
  path: '/api/v1/admin/events/dead-letters/replay',
  summary: 'Publishes again the dead letters not replayed yet that match a filter (oldest first)',
  middleware: [requireRole('admin')] as const,
  request: {
    body: jsonBody(
      z
        .object({
          topic: z.string().max(100).optional(),
          receivedFrom: z.iso.datetime({ offset: true }).optional(),
          receivedTo: z.iso.datetime({ offset: true }).optional(),
          limit: z.int().min(1).max(500).default(100),
        })
        .strict(),
    ),
  },
  responses: { 200: jsonResponse(replayResult, 'What was replayed'), ...problems(400, 401, 403) },
});

export function eventRoutes(app: App, { db }: ServiceDeps<Database>) {
  app.openapi(replayOne, async (c) => {
    const { eventId } = c.req.valid('param');
    const known = await db
      .selectFrom('event_log')
      .select('id')
      .where('event_id', '=', eventId)
      .where('dead_letter', '=', true)
      .executeTakeFirst();
    if (!known) throw notFound('DEAD_LETTER_NOT_FOUND', 'No dead letter has this event id');
    return c.json(await replayDeadLetters(db, { eventIds: [eventId], limit: 1 }, principalOf(c).userId), 200);
  });

  app.openapi(replayMany, async (c) => {
    const b = c.req.valid('json');
    const filter = {
      topic: b.topic,
      receivedFrom: b.receivedFrom ? new Date(b.receivedFrom) : undefined,
      receivedTo: b.receivedTo ? new Date(b.receivedTo) : undefined,
      limit: b.limit,
    };
    return c.json(await replayDeadLetters(db, filter, principalOf(c).userId), 200);
  });

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
    const { page, nextCursor } = keysetPage(rows, q.limit, (last) => ({ id: last.id }));
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
          replayedAt: r.replayed_at?.toISOString() ?? null,
        })),
        nextCursor,
      },
      200,
    );
  });
}
