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
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { admission } from './admission.ts';
import { runInContext } from './context.ts';
import { lit } from './db.ts';
import type { Logger } from './logger.ts';
import { deliveredTrace, type TraceContext, traceIdOf } from './trace.ts';

/** Thrown by a handler for an event it can never process (it goes to the dead-letter topic). */
export class PermanentEventError extends Error {}

export interface HandlerContext<DB> {
  /** The handler's transaction: its effects, its outbox rows and the processed-event mark commit together. */
  trx: Transaction<DB>;
  log: Logger;
}

export type EventHandler<DB, T extends EventType> =
  | ((event: EventOf<T>, ctx: HandlerContext<DB>) => Promise<void>)
  // biome-ignore lint/suspicious/noExplicitAny: each handler's own prepared value
  | PreparedHandler<DB, T, any>;
export type EventHandlers<DB> = { [T in EventType]?: EventHandler<DB, T> };

/**
 * A handler that needs other services' answers (a person's address, settings, a token) gets them
 * in `prepare`, which runs BEFORE the consumer transaction opens, so no database connection waits
 * on a Dapr invocation; `handle` then runs in the transaction with what `prepare` returned.
 * `prepare` must only read: it runs for every delivery, a duplicate or a retry included (the
 * duplicate then does nothing, as always). A `prepare` that throws fails the event like a
 * handler would (RETRY, or DROP for a PermanentEventError) unless the event turns out to be a
 * duplicate, which answers SUCCESS.
 */
export interface PreparedHandler<DB, T extends EventType, P> {
  prepare(event: EventOf<T>, ctx: { log: Logger }): Promise<P>;
  /**
   * Optional: finishes the prepared values of one delivery's events together, so that what they
   * all need is looked up once (one call for a batch's recipients instead of one per event). It
   * gets the values of the events whose `prepare` succeeded, in delivery order, and answers one
   * result per value; a failed result fails only its event (RETRY, unless a duplicate), like a
   * failed `prepare`, and a throw fails them all. Runs after the `prepare` steps, before the
   * transaction, outside any one event's context; it too must only read.
   */
  prepareBatch?(prepared: P[], ctx: { log: Logger }): Promise<Settled<P>[]>;
  handle(event: EventOf<T>, ctx: HandlerContext<DB>, prepared: P): Promise<void>;
  /**
   * Optional: runs once per transaction after `handle` ran for its events (all of a batch's new
   * events of this type, or the one event run alone), in that transaction and with their prepared
   * values in delivery order, so that what the handlers collected on those values is written at
   * once (one write to the sidecar for the batch instead of one per event). Duplicates are not
   * among them. A throw fails the transaction like a failed `handle`: a batch then runs again
   * event by event, each with its own `finish`, so `handle` must set what `finish` reads afresh.
   */
  finish?(prepared: P[], ctx: HandlerContext<DB>): Promise<void>;
}

/** What a `prepare` step came to: its value, or what it failed with. */
export type Settled<P> = { ok: true; value: P } | { ok: false; err: unknown };

/** Declares a handler with a `prepare` step (the types of `prepare`'s result and `handle` agree). */
export const preparedHandler = <DB, T extends EventType, P>(
  h: PreparedHandler<DB, T, P>,
): PreparedHandler<DB, T, P> => h;

/** One raw delivery: its topic, the cloud event and the envelope it carries (undecoded if not JSON). */
export interface RawDelivery {
  topic: string;
  cloudEvent: Record<string, unknown>;
  envelope: unknown;
}

/**
 * The monitor (admin) takes every message, valid or not, without idempotency: a whole delivery
 * (one event, or a batch of one topic) at once, so it can write it in one statement; it answers
 * one status per delivery, in their order.
 */
export type RawHandler = (deliveries: RawDelivery[]) => Promise<DaprStatus[]>;

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
      const { raw } = o;
      const status = await admit(async () =>
        raw
          ? ((await raw([{ topic, cloudEvent, envelope: decodeData(cloudEvent.data) }]))[0] ?? 'RETRY')
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

/** A valid delivery, ready to run: its event, the trace it came in, its log and its prepared value. */
interface Ready {
  entryId: string;
  event: EventOf<EventType>;
  trace: TraceContext | undefined;
  log: Logger;
  /** What the handler's `prepare` returned, or how it failed (handlers with a prepare step only). */
  prepared?: Settled<unknown>;
}

function readyOf<DB>(
  o: SubscriptionOptions<DB>,
  entryId: string,
  event: EventOf<EventType>,
  trace: TraceContext | undefined,
): Ready {
  return { entryId, event, trace, log: o.log.child({ topic: event.eventType, eventId: event.eventId }) };
}

/** The context an event's work runs in: its correlation id, and the trace it was published in. */
const contextOf = (r: Ready) => ({
  correlationId: r.event.correlationId,
  traceId: r.trace ? traceIdOf(r.trace) : r.event.metadata.traceId,
  ...r.trace,
  causationId: r.event.eventId,
  ...(r.event.userId ? { userId: r.event.userId } : {}),
});

/**
 * Runs the `prepare` steps of these events, together (they only read), before any transaction
 * opens; then each handler's `prepareBatch`, once for all its events that prepared.
 */
async function prepareAll<DB>(o: SubscriptionOptions<DB>, ready: Ready[]): Promise<void> {
  await Promise.all(
    ready.map(async (r) => {
      const handler = o.handlers[r.event.eventType] as EventHandler<DB, EventType>;
      if (typeof handler === 'function') return;
      r.prepared = await runInContext(contextOf(r), () => handler.prepare(r.event, { log: r.log })).then(
        (value) => ({ ok: true as const, value }),
        (err: unknown) => ({ ok: false as const, err }),
      );
    }),
  );
  const byType = Map.groupBy(
    ready.filter((r) => r.prepared?.ok),
    (r) => r.event.eventType,
  );
  await Promise.all(
    [...byType].map(async ([type, group]) => {
      const handler = o.handlers[type] as EventHandler<DB, EventType>;
      if (typeof handler === 'function' || !handler.prepareBatch) return;
      const values = group.map((r) => (r.prepared as { value: unknown }).value);
      const settled = await handler.prepareBatch(values, { log: o.log.child({ topic: type }) }).then(
        (out) =>
          out.length === group.length
            ? out
            : group.map(() => ({
                ok: false as const,
                err: new Error('prepareBatch answered a wrong count'),
              })),
        (err: unknown) => group.map(() => ({ ok: false as const, err })),
      );
      for (const [i, r] of group.entries()) r.prepared = settled[i]!;
    }),
  );
}

type TraceHeader = Parameters<typeof deliveredTrace>[1];

/**
 * A batch: malformed entries are DROPped; the rest run in delivery order in ONE transaction, which
 * marks them all processed in one statement (a duplicate, in the batch or from before, does
 * nothing) and then runs each new one's handler. If a handler fails, or the transaction itself
 * (its commit, a lost connection), nothing of the batch was written and each entry runs again in
 * a transaction of its own, where only the failing one answers RETRY (or DROP for a
 * PermanentEventError) and its neighbours commit. Failures are rare: the batch's path costs one
 * statement per batch and none per entry beyond the handler's own, instead of a savepoint and a
 * mark per entry. Idempotency stays per eventId (processed_events), within a batch too.
 */
async function handleBatch<DB>(
  o: SubscriptionOptions<DB>,
  topic: string,
  entries: BulkEntry[],
  header: TraceHeader,
): Promise<{ entryId: string; status: DaprStatus }[]> {
  const statuses = new Map<string, DaprStatus>();
  if (o.raw) {
    const deliveries = entries.map((e) => {
      const cloudEvent = asObject(e.event);
      return { topic, cloudEvent, envelope: decodeData(cloudEvent.data) };
    });
    const answered = await o.raw(deliveries);
    return entries.map((e, i) => ({ entryId: e.entryId, status: answered[i] ?? 'RETRY' }));
  }
  const ready: Ready[] = [];
  for (const e of entries) {
    const cloudEvent = asObject(e.event);
    const parsed = parseEvent(topic, decodeData(cloudEvent.data));
    if (parsed.ok) ready.push(readyOf(o, e.entryId, parsed.event, deliveredTrace(cloudEvent, header)));
    else {
      o.log.warn(
        { topic, cloudEventId: cloudEvent.id, problems: parsed.problems },
        'malformed event dropped',
      );
      statuses.set(e.entryId, 'DROP');
    }
  }
  await prepareAll(o, ready);
  if (ready.length === 1) statuses.set(ready[0]!.entryId, await runAlone(o, ready[0]!));
  else if (ready.length > 1) {
    try {
      await o.db.transaction().execute(async (trx) => {
        const { rows } = await trx.executeQuery<{ event_id: string }>(
          markAllProcessed(
            ready.map((r) => r.event.eventId),
            ready.map((r) => handlerNameOf(o, r)),
          ),
        );
        const fresh = new Set(rows.map((row) => row.event_id));
        const ran: Ready[] = [];
        for (const r of ready) {
          // The first of an event's entries runs it; a later one, or one seen before, is a duplicate.
          if (fresh.delete(r.event.eventId)) {
            await runHandler(o, trx, r);
            ran.push(r);
          }
        }
        await finishAll(o, trx, ran);
      });
      for (const r of ready) statuses.set(r.entryId, 'SUCCESS');
    } catch (err) {
      o.log.warn({ err, topic, entries: ready.length }, 'batch failed; each event runs alone');
      for (const r of ready) statuses.set(r.entryId, await runAlone(o, r));
    }
  }
  return entries.map((e) => ({ entryId: e.entryId, status: statuses.get(e.entryId) ?? 'RETRY' }));
}

/**
 * A handler never waits long on a lock: it fails, and Dapr delivers the event again later. The
 * settings are made by the transaction's first statement, the processed-event mark (`set_config`
 * with `is_local`, the same as `set local`), saving a round trip per transaction.
 */
const withTimeouts =
  "where set_config('lock_timeout', '5s', true) is not null and set_config('statement_timeout', '20s', true) is not null";

/**
 * The processed-event mark, first in a lone event's transaction: a row back when this handler had
 * not seen the event yet. Written with quoted literals, not parameters, so that the transaction's
 * `begin` goes with it in one round trip (`beginWithFirstStatement` in db.ts); the event id is a
 * validated UUID and the handler's name the service's and a catalog topic's, quoted all the same.
 */
const markProcessed = (eventId: string, handler: string) =>
  CompiledQuery.raw(
    `insert into processed_events (event_id, handler) select ${lit(eventId)}::uuid, ${lit(handler)}::text ${withTimeouts}
     on conflict do nothing returning event_id`,
  );

/** The marks of a batch's events, first in its transaction (and with its `begin`): the events back that these handlers had not seen yet. */
const markAllProcessed = (eventIds: string[], handlers: string[]) =>
  CompiledQuery.raw(
    `insert into processed_events (event_id, handler)
     select e, h from unnest(array[${eventIds.map(lit).join(',')}]::uuid[], array[${handlers.map(lit).join(',')}]::text[]) as m(e, h) ${withTimeouts}
     on conflict do nothing returning event_id`,
  );

const handlerNameOf = <DB>(o: SubscriptionOptions<DB>, r: Ready) => `${o.service}:${r.event.eventType}`;

/**
 * Runs one event's handler in `trx` under its context (its correlation id, and the trace it was
 * published in, which its invocations and events continue), with what its `prepare` returned.
 * Throws what the handler (or its failed `prepare`) threw.
 */
async function runHandler<DB>(o: SubscriptionOptions<DB>, trx: Transaction<DB>, r: Ready): Promise<void> {
  const { event, log } = r;
  const handler = o.handlers[event.eventType] as EventHandler<DB, EventType>;
  if (typeof handler !== 'function' && !r.prepared) await prepareAll(o, [r]);
  await runInContext(contextOf(r), async () => {
    if (typeof handler === 'function') return handler(event, { trx, log });
    // Prepared before the transaction (prepareAll); a failed prepare fails the event here, after
    // the duplicate check.
    const prepared = r.prepared!;
    if (!prepared.ok) throw prepared.err;
    await handler.handle(event, { trx, log }, prepared.value);
  });
}

/** Each handler's `finish` step, once for the events of its type that ran in `trx`. */
async function finishAll<DB>(o: SubscriptionOptions<DB>, trx: Transaction<DB>, ran: Ready[]): Promise<void> {
  for (const [type, group] of Map.groupBy(ran, (r) => r.event.eventType)) {
    const handler = o.handlers[type] as EventHandler<DB, EventType>;
    if (typeof handler === 'function' || !handler.finish) continue;
    const values = group.map((r) => (r.prepared as { value: unknown }).value);
    await handler.finish(values, { trx, log: o.log.child({ topic: type }) });
  }
}

/** Rolls back a lone event's transaction, carrying the status it ends with. */
class Undone extends Error {
  readonly status: DaprStatus;
  constructor(status: DaprStatus) {
    super(status);
    this.status = status;
  }
}

/**
 * One event in a transaction of its own: marks it processed (a duplicate does nothing), then runs
 * its handler. A failure rolls everything back and becomes DROP (PermanentEventError) or RETRY.
 */
async function runAlone<DB>(o: SubscriptionOptions<DB>, r: Ready): Promise<DaprStatus> {
  const { event, log } = r;
  try {
    return await o.db.transaction().execute(async (trx): Promise<DaprStatus> => {
      const { rows } = await trx.executeQuery(markProcessed(event.eventId, handlerNameOf(o, r)));
      if (!rows.length) {
        log.debug({ outcome: 'duplicate' }, 'event processed');
        return 'SUCCESS';
      }
      try {
        await runHandler(o, trx, r);
        await finishAll(o, trx, [r]);
      } catch (failure) {
        if (failure instanceof PermanentEventError) {
          log.warn({ err: failure }, 'event cannot be processed; dropped to the dead-letter topic');
          throw new Undone('DROP');
        }
        log.error({ err: failure }, 'event handler failed; Dapr will retry');
        throw new Undone('RETRY');
      }
      log.debug({ outcome: 'handled' }, 'event processed');
      return 'SUCCESS';
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
  const ready = readyOf(o, String(cloudEvent.id ?? ''), parsed.event, deliveredTrace(cloudEvent, header));
  await prepareAll(o, [ready]);
  return runAlone(o, ready);
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
