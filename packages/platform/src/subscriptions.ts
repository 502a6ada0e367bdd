import {
  deadLetterTopic,
  deliveryOf,
  type EventOf,
  type EventType,
  envelope,
  eventCatalog,
  isEventType,
  type ServiceName,
  subscriptionsOf,
} from '@mp/contracts';
import type { Hono } from 'hono';
import { CompiledQuery, type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { admission } from './admission.ts';
import { runInContext } from './context.ts';
import type { Logger } from './logger.ts';
import type { PlatformTables } from './platform-migrations.ts';
import { deliveredTrace, type TraceContext, traceIdOf } from './trace.ts';

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
  /** Told each delivery's final status and its event's timestamp (the kit's metrics). */
  observe?: (topic: string, status: DaprStatus, eventTime: string | undefined) => void;
  /**
   * At most this many deliveries (a single event or a whole batch) hold a database connection at
   * once; the rest wait their turn in memory. The broker may then keep many messages in flight (so
   * batches fill) without a backlog exhausting the pool the API and `/readyz` need (decision 0024).
   */
  maxConcurrent: number;
}

/** The topics this service must subscribe to: the catalog's list; the monitor adds the dead-letter topic. */
export function topicsFor(service: ServiceName, raw: boolean): string[] {
  const topics: string[] = subscriptionsOf(service);
  return raw ? [...topics, deadLetterTopic] : topics;
}

/** One entry of a bulk delivery (Dapr's bulk subscribe): the cloud event and its id within the batch. */
interface BulkEntry {
  entryId: string;
  event: unknown;
  contentType?: string;
  metadata?: Record<string, string>;
}

const isBulk = (body: unknown): body is { entries: BulkEntry[] } =>
  typeof body === 'object' && body !== null && Array.isArray((body as { entries?: unknown }).entries);

/**
 * Serves Dapr's inbound side from Hono: `GET /dapr/subscribe` and one `POST /events/<topic>` per
 * subscription, each with its delivery settings from the catalog (`deliveryOf`: one by one, or in
 * batches; the same as the chart's Subscriptions). A route takes a batch (`{entries}` →
 * `{statuses}`, one status per entry) or a single cloud event.
 * Replies are deliberate: a malformed payload is DROPped (Dapr forwards it to the dead-letter
 * topic), a handler's failure asks for a RETRY, a duplicate is a SUCCESS without effect.
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
        bulkSubscribe: deliveryOf(o.service, topic),
      })),
    ),
  );

  const admit = admission(o.maxConcurrent, Number.POSITIVE_INFINITY);

  for (const topic of topics) {
    app.post(`/events/${topic}`, async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        o.log.warn({ topic }, 'undecodable delivery dropped');
        o.observe?.(topic, 'DROP', undefined);
        return c.json({ status: 'DROP' });
      }
      // The sidecar's delivery span: the parent of this work when it is in the event's own trace.
      const header = { traceparent: c.req.header('traceparent'), tracestate: c.req.header('tracestate') };
      if (isBulk(body)) {
        const { entries } = body;
        const statuses = await admit(() => handleBatch(o, topic, entries, header));
        for (const [i, e] of body.entries.entries())
          o.observe?.(topic, statuses[i]!.status, eventTimeOf(e.event));
        return c.json({ statuses });
      }
      const cloudEvent = asObject(body);
      const status = await admit(() =>
        o.raw
          ? o.raw({ topic, cloudEvent, envelope: decodeData(cloudEvent.data) })
          : handleTyped(o, topic as EventType, cloudEvent, header),
      );
      o.observe?.(topic, status, eventTimeOf(cloudEvent));
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

/** When a delivered event was written: its envelope's `timestamp`, else the cloud event's `time`. */
function eventTimeOf(delivered: unknown): string | undefined {
  const cloudEvent = asObject(delivered);
  const { timestamp } = asObject(cloudEvent.data);
  const time = typeof timestamp === 'string' ? timestamp : cloudEvent.time;
  return typeof time === 'string' ? time : undefined;
}

/** A delivered cloud event: an object, or (raw payloads, bytes) its JSON text. */
function asObject(value: unknown): Record<string, unknown> {
  const decoded = decodeData(value);
  return typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded)
    ? (decoded as Record<string, unknown>)
    : {};
}

interface Ready {
  entryId: string;
  event: EventOf<EventType>;
  trace: TraceContext | undefined;
}

type TraceHeader = Parameters<typeof deliveredTrace>[1];

/**
 * A batch: malformed entries are DROPped; the rest run in delivery order in ONE transaction, each
 * inside a savepoint, so a failing entry rolls back only its own work and answers RETRY (or DROP
 * for a PermanentEventError) while its neighbours commit. If the batch's transaction itself fails
 * (its commit, a lost connection), nothing of it was written and each entry runs again in a
 * transaction of its own. Idempotency stays per eventId (processed_events), within a batch too.
 */
async function handleBatch<DB>(
  o: SubscriptionOptions<DB>,
  topic: string,
  entries: BulkEntry[],
  header: TraceHeader,
): Promise<{ entryId: string; status: DaprStatus }[]> {
  const statuses = new Map<string, DaprStatus>();
  if (o.raw) {
    for (const e of entries) {
      const cloudEvent = asObject(e.event);
      statuses.set(e.entryId, await o.raw({ topic, cloudEvent, envelope: decodeData(cloudEvent.data) }));
    }
    return entries.map((e) => ({ entryId: e.entryId, status: statuses.get(e.entryId)! }));
  }
  const ready: Ready[] = [];
  for (const e of entries) {
    const cloudEvent = asObject(e.event);
    const parsed = parseEvent(topic, decodeData(cloudEvent.data));
    if (parsed.ok)
      ready.push({ entryId: e.entryId, event: parsed.event, trace: deliveredTrace(cloudEvent, header) });
    else {
      o.log.warn(
        { topic, cloudEventId: cloudEvent.id, problems: parsed.problems },
        'malformed event dropped',
      );
      statuses.set(e.entryId, 'DROP');
    }
  }
  if (ready.length === 1)
    statuses.set(ready[0]!.entryId, await runAlone(o, ready[0]!.event, ready[0]!.trace));
  else if (ready.length > 1) {
    try {
      const inBatch = new Map<string, DaprStatus>();
      await o.db.transaction().execute(async (trx) => {
        await timeouts.execute(trx);
        // One savepoint name, set again before each entry: a rollback returns to the latest one. Never
        // released (a release is one more round trip; they all end with the commit).
        for (const r of ready) {
          await trx.executeQuery(savepoint);
          inBatch.set(
            r.entryId,
            await runEntry(o, trx, r.event, r.trace, () => trx.executeQuery(rollback).then(() => {})),
          );
        }
      });
      for (const [id, status] of inBatch) statuses.set(id, status);
    } catch (err) {
      o.log.warn({ err, topic, entries: ready.length }, 'batch transaction failed; each event runs alone');
      for (const r of ready) statuses.set(r.entryId, await runAlone(o, r.event, r.trace));
    }
  }
  return entries.map((e) => ({ entryId: e.entryId, status: statuses.get(e.entryId) ?? 'RETRY' }));
}

const savepoint = CompiledQuery.raw('savepoint entry');
const rollback = CompiledQuery.raw('rollback to savepoint entry');

/** A handler never waits long on a lock: it fails, and Dapr delivers the event again later. */
const timeouts: RawBuilder<unknown> = sql`set local lock_timeout = '5s'; set local statement_timeout = '20s'`;

/**
 * Runs one event's handler in `trx` under its context (its correlation id, and the trace it was
 * published in, which its invocations and events continue): marks it processed (a duplicate does
 * nothing), then calls the handler. A failure calls `undo` (roll back what this event wrote) and
 * becomes DROP (PermanentEventError) or RETRY; a failure of `undo` itself is thrown.
 */
async function runEntry<DB>(
  o: SubscriptionOptions<DB>,
  trx: Transaction<DB>,
  event: EventOf<EventType>,
  trace: TraceContext | undefined,
  undo: () => Promise<void>,
): Promise<DaprStatus> {
  const handler = o.handlers[event.eventType] as EventHandler<DB, EventType>;
  const handlerName = `${o.service}:${event.eventType}`;
  const ctx = {
    correlationId: event.correlationId,
    traceId: trace ? traceIdOf(trace) : event.metadata.traceId,
    ...trace,
    causationId: event.eventId,
    ...(event.userId ? { userId: event.userId } : {}),
  };
  const log = o.log.child({ topic: event.eventType, eventId: event.eventId });
  let failure: unknown;
  const outcome = await runInContext(ctx, async () => {
    try {
      const first = await (trx as unknown as Transaction<PlatformTables>)
        .insertInto('processed_events')
        .values({ event_id: event.eventId, handler: handlerName })
        .onConflict((oc) => oc.doNothing())
        .returning('event_id')
        .executeTakeFirst();
      if (!first) return 'duplicate' as const;
      await handler(event, { trx, log });
      return 'handled' as const;
    } catch (err) {
      failure = err;
      return 'failed' as const;
    }
  });
  if (outcome !== 'failed') {
    log.debug({ outcome }, 'event processed');
    return 'SUCCESS';
  }
  await undo();
  if (failure instanceof PermanentEventError) {
    log.warn({ err: failure }, 'event cannot be processed; dropped to the dead-letter topic');
    return 'DROP';
  }
  log.error({ err: failure }, 'event handler failed; Dapr will retry');
  return 'RETRY';
}

/** Rolls back a lone event's transaction, carrying the status it ends with. */
class Undone extends Error {
  readonly status: DaprStatus;
  constructor(status: DaprStatus) {
    super(status);
    this.status = status;
  }
}

/** One event in a transaction of its own. */
async function runAlone<DB>(
  o: SubscriptionOptions<DB>,
  event: EventOf<EventType>,
  trace: TraceContext | undefined,
): Promise<DaprStatus> {
  try {
    return await o.db.transaction().execute(async (trx) => {
      await timeouts.execute(trx);
      const status = await runEntry(o, trx, event, trace, async () => {});
      if (status !== 'SUCCESS') throw new Undone(status);
      return status;
    });
  } catch (err) {
    if (err instanceof Undone) return err.status;
    o.log.error(
      { err, topic: event.eventType, eventId: event.eventId },
      'event transaction failed; Dapr will retry',
    );
    return 'RETRY';
  }
}

async function handleTyped<DB>(
  o: SubscriptionOptions<DB>,
  topic: EventType,
  cloudEvent: Record<string, unknown>,
  header: TraceHeader,
): Promise<DaprStatus> {
  const parsed = parseEvent(topic, decodeData(cloudEvent.data));
  if (!parsed.ok) {
    o.log.warn({ topic, cloudEventId: cloudEvent.id, problems: parsed.problems }, 'malformed event dropped');
    return 'DROP';
  }
  return runAlone(o, parsed.event, deliveredTrace(cloudEvent, header));
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
