import {
  deadLetterTopic,
  type EventOf,
  type EventType,
  envelope,
  eventCatalog,
  isEventType,
  type ServiceName,
  subscriptionsOf,
} from '@mp/contracts';
import type { Hono } from 'hono';
import { type Kysely, sql, type Transaction } from 'kysely';
import { runInContext } from './context.ts';
import type { Logger } from './logger.ts';
import type { PlatformTables } from './platform-migrations.ts';

/** Thrown by a handler for an event it can never process (it goes to the dead-letter topic). */
export class PermanentEventError extends Error {}

export interface HandlerContext<DB> {
  /** The handler's transaction: its effects, its outbox rows and the processed-event mark commit together. */
  trx: Transaction<DB>;
  log: Logger;
}

export type EventHandler<DB, T extends EventType> = (
  event: EventOf<T>,
  ctx: HandlerContext<DB>,
) => Promise<void>;
export type EventHandlers<DB> = { [T in EventType]?: EventHandler<DB, T> };

/** A raw delivery: the monitor (admin) takes every message, valid or not, without idempotency. */
export type RawHandler = (delivery: {
  topic: string;
  cloudEvent: Record<string, unknown>;
  envelope: unknown;
}) => Promise<'SUCCESS' | 'RETRY' | 'DROP'>;

export type DaprStatus = 'SUCCESS' | 'RETRY' | 'DROP';

interface SubscriptionOptions<DB> {
  service: ServiceName;
  pubsub: string;
  db: Kysely<DB>;
  log: Logger;
  handlers: EventHandlers<DB>;
  /** Replaces typed handling for every topic (used by the event monitor). */
  raw?: RawHandler;
}

/** The topics this service must subscribe to: the catalog's list; the monitor adds the dead-letter topic. */
export function topicsFor(service: ServiceName, raw: boolean): string[] {
  const topics: string[] = subscriptionsOf(service);
  return raw ? [...topics, deadLetterTopic] : topics;
}

/**
 * Serves Dapr's inbound side from Hono: `GET /dapr/subscribe` and one `POST /events/<topic>` per
 * subscription. Replies are deliberate: a malformed payload is DROPped (Dapr forwards it to the
 * dead-letter topic), a handler's failure asks for a RETRY, a duplicate is a SUCCESS without effect.
 */
// biome-ignore lint/suspicious/noExplicitAny: any app env
export function mountSubscriptions<DB>(app: Hono<any>, o: SubscriptionOptions<DB>): void {
  const topics = topicsFor(o.service, Boolean(o.raw));
  const missing = subscriptionsOf(o.service).filter((t) => !o.raw && !o.handlers[t]);
  if (missing.length)
    throw new Error(`${o.service} subscribes to ${missing.join(', ')} but has no handler for them`);
  const extra = Object.keys(o.handlers).filter((t) => !topics.includes(t));
  if (extra.length)
    throw new Error(`${o.service} handles ${extra.join(', ')}, which the catalog does not subscribe it to`);

  app.get('/dapr/subscribe', (c) =>
    c.json(
      topics.map((topic) => ({
        pubsubname: o.pubsub,
        topic,
        route: `/events/${topic}`,
        // The dead-letter topic itself has no dead-letter topic: a failure there must not loop.
        ...(topic === deadLetterTopic ? {} : { deadLetterTopic }),
      })),
    ),
  );

  for (const topic of topics) {
    app.post(`/events/${topic}`, async (c) => {
      let cloudEvent: Record<string, unknown>;
      try {
        cloudEvent = await c.req.json();
      } catch {
        o.log.warn({ topic }, 'undecodable delivery dropped');
        return c.json({ status: 'DROP' });
      }
      const status = o.raw
        ? await o.raw({ topic, cloudEvent, envelope: decodeData(cloudEvent.data) })
        : await handleTyped(o, topic as EventType, cloudEvent);
      return c.json({ status });
    });
  }
}

function decodeData(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

async function handleTyped<DB>(
  o: SubscriptionOptions<DB>,
  topic: EventType,
  cloudEvent: Record<string, unknown>,
): Promise<DaprStatus> {
  const parsed = parseEvent(topic, decodeData(cloudEvent.data));
  if (!parsed.ok) {
    o.log.warn({ topic, cloudEventId: cloudEvent.id, problems: parsed.problems }, 'malformed event dropped');
    return 'DROP';
  }
  const event = parsed.event;
  const handler = o.handlers[topic] as EventHandler<DB, EventType>;
  const handlerName = `${o.service}:${topic}`;
  const ctx = {
    correlationId: event.correlationId,
    traceId: event.metadata.traceId,
    causationId: event.eventId,
    ...(event.userId ? { userId: event.userId } : {}),
  };
  return runInContext(ctx, async () => {
    const log = o.log.child({ topic, eventId: event.eventId });
    try {
      const outcome = await o.db.transaction().execute(async (trx) => {
        // A handler never waits long on a lock: it fails, and Dapr delivers the event again later.
        await sql`set local lock_timeout = '5s'; set local statement_timeout = '20s'`.execute(trx);
        const first = await (trx as unknown as Transaction<PlatformTables>)
          .insertInto('processed_events')
          .values({ event_id: event.eventId, handler: handlerName })
          .onConflict((oc) => oc.doNothing())
          .returning('event_id')
          .executeTakeFirst();
        if (!first) return 'duplicate' as const;
        await handler(event, { trx, log });
        return 'handled' as const;
      });
      log.debug({ outcome }, 'event processed');
      return 'SUCCESS';
    } catch (err) {
      if (err instanceof PermanentEventError) {
        log.warn({ err }, 'event cannot be processed; dropped to the dead-letter topic');
        return 'DROP';
      }
      log.error({ err }, 'event handler failed; Dapr will retry');
      return 'RETRY';
    }
  });
}

type Parsed = { ok: true; event: EventOf<EventType> } | { ok: false; problems: string[] };

/** Validates an envelope and its `data` against the catalog's schema for the topic. */
export function parseEvent(topic: string, body: unknown): Parsed {
  const env = envelope.safeParse(body);
  if (!env.success)
    return { ok: false, problems: env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  if (env.data.eventType !== topic || !isEventType(topic)) {
    return { ok: false, problems: [`eventType ${env.data.eventType} arrived on topic ${topic}`] };
  }
  const data = eventCatalog[topic].data.safeParse(env.data.data);
  if (!data.success) {
    return { ok: false, problems: data.error.issues.map((i) => `data.${i.path.join('.')}: ${i.message}`) };
  }
  return { ok: true, event: { ...env.data, eventType: topic, data: data.data } as EventOf<EventType> };
}
