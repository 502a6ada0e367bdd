import {
  type EventData,
  type EventOf,
  type EventType,
  eventCatalog,
  isCorrelationId,
  type ServiceName,
  sourceOf,
} from '@mp/contracts';
import { CompiledQuery, type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { currentContext } from './context.ts';
import type { Dapr } from './dapr.ts';
import { newId } from './ids.ts';
import type { Logger } from './logger.ts';
import type { PlatformTables } from './platform-migrations.ts';
import type { RelayHold } from './pressure.ts';
import { traceContextOf } from './trace.ts';
import { type Worker, wakeableWorker } from './workers.ts';

export interface PublishOptions {
  /** Events with the same key are delivered in the order they were written (an order id, a SKU…). */
  aggregateKey?: string;
  correlationId?: string;
  userId?: string;
}

/** A saga's row (an order, a payment, a shipment): whose it is and the saga's correlation id. */
export interface SagaRow {
  id: string;
  user_id: string;
  correlation_id: string;
}

/**
 * The options of an event about one thing, the one way services write them: events of one
 * `kind:id` are delivered in the order they were written (`publishOptions('sku', sku)`). A saga's
 * row also gives its user and the saga's correlation id (`publishOptions('order', order)`); `more`
 * adds or overrides them (`publishOptions('user', id, { userId: id })`).
 */
export function publishOptions(
  kind: string,
  of: string | SagaRow,
  more: Omit<PublishOptions, 'aggregateKey'> = {},
): PublishOptions {
  if (typeof of === 'string') return { aggregateKey: `${kind}:${of}`, ...more };
  return { aggregateKey: `${kind}:${of.id}`, userId: of.user_id, correlationId: of.correlation_id, ...more };
}

/** Any kysely transaction or connection, whatever the service's table types. */
// biome-ignore lint/suspicious/noExplicitAny: the outbox works with every service's database type
export type AnyDb = Kysely<any> | Transaction<any>;

/** Builds the BaseEvent envelope every message carries; correlation and user come from the current request or event. */
export function buildEvent<T extends EventType>(
  service: ServiceName,
  environment: string,
  type: T,
  data: EventData<T>,
  opts: PublishOptions = {},
): EventOf<T> {
  const ctx = currentContext();
  const eventId = newId();
  const userId = opts.userId ?? ctx?.userId;
  return {
    eventId,
    eventType: type,
    eventVersion: 'v1',
    timestamp: new Date().toISOString(),
    source: sourceOf(service),
    correlationId: [opts.correlationId, ctx?.correlationId].find(isCorrelationId) ?? eventId,
    ...(userId ? { userId } : {}),
    metadata: { traceId: ctx?.traceId ?? eventId.replaceAll('-', ''), environment },
    data,
  };
}

// The outbox's statements run for every event: written once rather than built by kysely per call.
/** The insert's head: every way of writing outbox rows names the same columns, in `Built.row`'s order. */
const intoOutbox = 'insert into outbox (event_id, topic, aggregate_key, envelope, trace_parent, trace_state)';
const insertOutbox = `${intoOutbox} values ($1, $2, $3, $4, $5, $6)`;
/** The insert of `n` rows at once (`write`): the same columns, six parameters a row. */
const insertOutboxRows = (n: number) =>
  n === 1
    ? insertOutbox
    : `${intoOutbox} values ${Array.from(
        { length: n },
        (_, i) =>
          `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`,
      ).join(', ')}`;

/** An event built (and checked) by `EventPublisher.build`, not yet written: its outbox row's values. */
export interface Built<T extends EventType = EventType> {
  event: EventOf<T>;
  row: [string, string, string | null, string, string | null, string | null];
}

/**
 * A batch of due rows, locked, with the claim of each of their aggregates, in one statement: a row
 * waits while an earlier row of its aggregate is failing (not due); otherwise a batch takes an
 * aggregate's pending rows together and publishes them in order, if this relay holds the
 * aggregate's lock and the batch starts at the aggregate's oldest pending row (another replica may
 * hold its earlier rows). The batch takes the due rows in turns, every aggregate's first before
 * any aggregate's second (a row without a key is an aggregate of its own), so a long backlog of
 * one aggregate (a coupon granted to every buyer) does not hold back the others' rows behind it.
 * The batch size is a literal, so the `begin` goes with it.
 */
const selectDueOf = (size: number, held?: { topics: readonly string[]; maxMs: number }) => `
  with pending as (
    select seq, row_number() over (partition by coalesce(aggregate_key, '#' || seq) order by seq) as turn
    from outbox o
    where sent_at is null and next_attempt_at <= now()
      and (aggregate_key is null or not exists (
        select 1 from outbox p where p.sent_at is null and p.aggregate_key = o.aggregate_key
          and p.seq < o.seq and p.next_attempt_at > now()))${held?.topics.length ? holdOf(held) : ''}),
  due as (
    select seq, event_id, topic, aggregate_key, envelope, attempts, trace_parent, trace_state from outbox
    where sent_at is null
      and seq in (select seq from pending order by turn, seq limit ${Math.max(1, Math.trunc(size))})
    for update skip locked),
  claims as (
    select a.key, pg_try_advisory_xact_lock(hashtext('outbox:' || a.key)) as locked,
      (select min(seq) from outbox where aggregate_key = a.key and sent_at is null) as head
    from (select distinct aggregate_key as key from due where aggregate_key is not null) a)
  select due.*, claims.locked, claims.head from due left join claims on claims.key = due.aggregate_key
  order by due.seq`;

/**
 * While a hold is on (pressure.ts), rows of its topics younger than its `maxMs` are left for later
 * (a later row of their aggregate then waits for them: its claim finds it is not the head).
 */
const holdOf = (held: { topics: readonly string[]; maxMs: number }) => `
      and (topic not in (${held.topics.map((t) => `'${t.replaceAll("'", "''")}'`).join(',')})
        or created_at <= now() - interval '${Math.max(0, Math.trunc(held.maxMs))} milliseconds')`;

/**
 * When the next pending row comes due (ms from now; 0 or less: due now; null: nothing pending):
 * the idle relay's poll, one statement and no transaction (an index's first row).
 */
const nextDue =
  'select (extract(epoch from min(next_attempt_at) - now()) * 1000)::float8 as due_in_ms from outbox where sent_at is null';

/**
 * The batch's sent mark and its commit, one round trip (a simple-protocol query of two
 * statements; the seqs are the rows' own integers). If the mark fails, PostgreSQL skips the
 * commit and the relay rolls back.
 */
const markSentAndCommit = (seqs: number[]) =>
  `${seqs.length ? `update outbox set sent_at = now(), last_error = null where seq in (${seqs.map((seq) => Math.trunc(Number(seq))).join(',')});` : ''}commit`;

/**
 * The write side of the outbox. `publish` takes the transaction that changes the state, so the
 * event commits or rolls back with it; the relay delivers it after commit.
 */
export class EventPublisher {
  private readonly service: ServiceName;
  private readonly environment: string;

  constructor(service: ServiceName, environment: string) {
    this.service = service;
    this.environment = environment;
  }

  async publish<T extends EventType>(
    trx: AnyDb,
    type: T,
    data: EventData<T>,
    opts: PublishOptions = {},
  ): Promise<EventOf<T>> {
    const built = this.build(type, data, opts);
    await this.write(trx, [built]);
    return built.event;
  }

  /**
   * Builds an event (its payload checked, its correlation and trace taken from the current request
   * or event) without writing it: `write` then writes several at once, in one statement.
   */
  build<T extends EventType>(type: T, data: EventData<T>, opts: PublishOptions = {}): Built<T> {
    const spec = eventCatalog[type];
    if (spec.publisher !== this.service) {
      throw new Error(`${this.service} may not publish ${type}; the catalog names ${spec.publisher}`);
    }
    // A payload that breaks the contract is a bug here, not a consumer's problem: refuse to write it.
    const checked = spec.data.parse(data) as EventData<T>;
    const event = buildEvent(this.service, this.environment, type, checked, opts);
    const ctx = currentContext();
    return {
      event,
      row: [
        event.eventId,
        type,
        opts.aggregateKey ?? null,
        JSON.stringify(event),
        // The trace this event continues: the relay publishes it with it (cloudevent.traceparent).
        ctx?.traceparent ?? null,
        ctx?.traceparent ? (ctx.tracestate ?? null) : null,
      ],
    };
  }

  /** Writes built events to the outbox in `trx`, in their order, with one statement. */
  async write(trx: AnyDb, built: Built[]): Promise<void> {
    if (!built.length) return;
    await trx.executeQuery(
      CompiledQuery.raw(
        insertOutboxRows(built.length),
        built.flatMap((b) => b.row),
      ),
    );
  }
}

/**
 * The outbox insert of built events as a part of a larger statement, writing them only if the
 * statement's CTE `cte` has a row: `with paid as (update … returning *), sent as (${outboxInsertIf(
 * built, 'paid')}) select * from paid` changes the state and writes its events in one statement,
 * which commits (or fails) as a whole, like a transaction of the two. The rows go in `built`'s order.
 */
export function outboxInsertIf(built: Built[], cte: string): RawBuilder<Record<string, never>> {
  const rows = built.map(
    ({ row: [id, topic, key, envelope, parent, state] }) =>
      sql`(${id}::uuid, ${topic}::text, ${key}::text, ${envelope}::jsonb, ${parent}::text, ${state}::text)`,
  );
  // In parentheses: kysely writes a raw CTE as it is.
  return sql`(${sql.raw(intoOutbox)}
    select * from (values ${sql.join(rows)}) as e where exists (select from ${sql.table(cte)}))`;
}

export interface RelayOptions {
  pubsub: string;
  schema: string;
  databaseUrl: string;
  pollMs: number;
  /**
   * The longest wait between two polls while nothing is pending and the listener is up (NOTIFY
   * wakes the relay on every commit): the bound on a row left pending by a replica that crashed
   * while publishing it. `pollMs` by default.
   */
  idlePollMs?: number;
  batchSize?: number;
  concurrency?: number;
  /** Events held back while the service's door is crowded (pressure.ts). */
  hold?: RelayHold;
}

/** A due row, with its aggregate's claim: this relay's lock on it, and its oldest pending row. */
type Claimed = OutboxRow & { locked: boolean | null; head: number | string | null };

interface OutboxRow {
  seq: number;
  event_id: string;
  topic: string;
  aggregate_key: string | null;
  envelope: Record<string, unknown>;
  attempts: number;
  trace_parent: string | null;
  trace_state: string | null;
}

/**
 * A row's per-event metadata for Dapr's bulk publish: the cloud event's id, type and source, the
 * partition key, and the trace the event was written in. Dapr puts `cloudevent.traceparent` (and
 * `cloudevent.tracestate`) into the cloud event it publishes in place of its own (pkg/runtime/pubsub/
 * cloudevents.go in Dapr 1.18), and the subscriber's sidecar starts its delivery span as a child
 * of it, so the consumers' work joins the producer's trace. Without a stored context the sidecar's
 * own (the relay's publish request) is used.
 */
export function publishMetadata(
  row: Pick<OutboxRow, 'envelope' | 'aggregate_key' | 'trace_parent' | 'trace_state'>,
): Record<string, string> {
  const env = row.envelope as { eventId: string; eventType: string; source: string };
  const trace = traceContextOf(row.trace_parent, row.trace_state);
  return {
    'cloudevent.id': env.eventId,
    'cloudevent.type': env.eventType,
    'cloudevent.source': env.source,
    ...(row.aggregate_key ? { partitionKey: row.aggregate_key } : {}),
    ...(trace ? { 'cloudevent.traceparent': trace.traceparent } : {}),
    ...(trace?.tracestate ? { 'cloudevent.tracestate': trace.tracestate } : {}),
  };
}

/** Delay before retry n (1-based): 0.5 s, 1 s, 2 s … capped at 60 s, with ±20 % jitter. */
export const backoffMs = (attempt: number) =>
  Math.round(Math.min(60_000, 500 * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4));

/**
 * Delivers committed outbox rows through Dapr. Woken by NOTIFY on commit, and by a poll as a
 * safety net (a crash between commit and delivery is picked up at the next start or poll): every
 * `pollMs` while there is work or the listener is down, every `idlePollMs` while nothing is
 * pending, and when a row backing off comes due.
 * Rows are locked with SKIP LOCKED, so replicas share the work; a row is never published while
 * an earlier row of the same aggregate is still pending.
 */
export class OutboxRelay {
  private readonly worker: Worker & { wake(): void };
  private lastPrune = 0;
  /** The last drain found nothing due: the next one asks first whether anything is, before a transaction. */
  private idle = true;
  /** When the earliest pending row comes due (ms since the epoch), as the last drain learned it. */
  private dueAt = 0;
  private readonly db: Kysely<PlatformTables>;
  private readonly dapr: Pick<Dapr, 'publishBulk'>;
  private readonly log: Logger;
  private readonly opts: RelayOptions;
  /** While rows are held back the relay looks again every quarter second: each goes at most that late. */
  private holdTimer: NodeJS.Timeout | undefined;

  constructor(db: Kysely<PlatformTables>, dapr: Pick<Dapr, 'publishBulk'>, log: Logger, opts: RelayOptions) {
    this.db = db;
    this.dapr = dapr;
    this.log = log;
    this.opts = opts;
    const listen = { databaseUrl: opts.databaseUrl, channel: 'outbox', schema: opts.schema };
    this.worker = wakeableWorker(
      'outbox',
      { pollMs: opts.pollMs, nextPollMs: () => this.nextPollMs(), log, listen },
      () => this.drain(),
    );
    opts.hold?.released(() => this.wake());
  }

  start(): Promise<void> {
    return this.worker.start();
  }

  /** Runs a drain now, or once more right after the one in progress. */
  wake(): void {
    this.worker.wake();
  }

  /**
   * The wait before the next poll: `pollMs` after a drain that found work, failed or left rows
   * due soon; while nothing is pending, `idlePollMs` (a commit wakes the relay through NOTIFY); a
   * row backing off is looked at when it comes due, at most `idlePollMs` and at least `pollMs` on.
   */
  nextPollMs(): number {
    const { pollMs, idlePollMs = pollMs } = this.opts;
    if (!this.idle) return pollMs;
    return Math.min(idlePollMs, Math.max(pollMs, this.dueAt - Date.now()));
  }

  /** Delivers everything due; returns how many rows were published. */
  async drain(): Promise<number> {
    let total = 0;
    const size = this.opts.batchSize ?? 100;
    // Until this drain knows better (a failure here: the next poll comes at `pollMs`).
    this.dueAt = Date.now();
    if (this.idle) {
      const dueInMs = await this.nextDue();
      if (dueInMs === null || dueInMs > 0) {
        this.dueAt = dueInMs === null ? Number.POSITIVE_INFINITY : Date.now() + dueInMs;
        await this.prune();
        return 0;
      }
    }
    for (;;) {
      const { published, fetched } = await this.deliverBatch(size);
      total += published;
      this.idle = fetched === 0;
      if (fetched < size || published === 0) break;
    }
    await this.prune();
    return total;
  }

  private async nextDue(): Promise<number | null> {
    const { rows } = await this.db.executeQuery<{ due_in_ms: number | null }>(CompiledQuery.raw(nextDue));
    const due = rows[0]?.due_in_ms;
    return due === null || due === undefined ? null : Number(due);
  }

  /**
   * One batch in one transaction: its `begin` goes with the due rows' select and their aggregates'
   * claim, and its commit with the sent mark (db.ts, `beginWithFirstStatement`), so a busy drain
   * costs two round trips (select and claim, mark) and an empty one a single one.
   */
  private async deliverBatch(size: number): Promise<{ published: number; fetched: number }> {
    return this.db.connection().execute(async (trx) => {
      await trx.executeQuery(CompiledQuery.raw('begin'));
      try {
        const hold = this.opts.hold?.holding() ? this.opts.hold : undefined;
        if (hold) this.wakeAfterHold(hold.maxMs);
        const { rows } = await trx.executeQuery<Claimed>(CompiledQuery.raw(selectDueOf(size, hold)));
        const groups = new Map<string, Claimed[]>();
        for (const row of rows) {
          const key = row.aggregate_key ?? `#${row.seq}`;
          groups.set(key, [...(groups.get(key) ?? []), row]);
        }
        // An aggregate this relay may not publish now: its lock is another's, or its head is not here.
        for (const [key, [first]] of groups)
          if (first!.aggregate_key && (!first!.locked || Number(first!.head) !== Number(first!.seq)))
            groups.delete(key);
        const sent = await this.publishGroups(trx, [...groups.values()]);
        await trx.executeQuery(CompiledQuery.raw(markSentAndCommit(sent)));
        return { published: sent.length, fetched: rows.length };
      } catch (err) {
        await trx.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
        throw err;
      }
    });
  }

  /** Rows held back now are due within `maxMs`: the relay looks again soon, crowd or not. */
  private wakeAfterHold(maxMs: number) {
    if (this.holdTimer) return;
    this.holdTimer = setTimeout(
      () => {
        this.holdTimer = undefined;
        this.wake();
      },
      Math.min(250, maxMs + 10),
    );
    this.holdTimer.unref();
  }

  /**
   * Publishes in rounds: each round takes the next row of every aggregate (rows without one are
   * aggregates of their own) and sends them with one bulk request per topic. Dapr does not keep a
   * bulk request's order, so a request never holds two rows of one aggregate; an aggregate's next
   * row goes only once its previous one was accepted, and a failed row stops its aggregate.
   */
  private async publishGroups(trx: Kysely<PlatformTables>, groups: OutboxRow[][]): Promise<number[]> {
    const published: number[] = [];
    for (let pending = groups; pending.length; ) {
      const byTopic = new Map<string, OutboxRow[]>();
      for (const [row] of pending) byTopic.set(row!.topic, [...(byTopic.get(row!.topic) ?? []), row!]);
      const failed = new Map<number, string>();
      const queue = [...byTopic.entries()];
      const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const [topic, rows] = next;
          for (const [seq, why] of await this.publish(topic, rows)) failed.set(seq, why);
        }
      };
      await Promise.all(Array.from({ length: this.opts.concurrency ?? 8 }, worker));
      for (const [row] of pending)
        if (failed.has(row!.seq)) await this.failed(trx, row!, failed.get(row!.seq)!);
        else published.push(row!.seq);
      pending = pending
        .filter(([row]) => !failed.has(row!.seq))
        .map((g) => g.slice(1))
        .filter((g) => g.length);
    }
    return published;
  }

  /** One bulk publish; returns the rows that were not published (seq → why). */
  private async publish(topic: string, rows: OutboxRow[]): Promise<Map<number, string>> {
    const entries = rows.map((row) => ({
      entryId: String(row.seq),
      event: row.envelope,
      metadata: publishMetadata(row),
    }));
    // Rows of one piece of work (the usual case): the sidecar's publish span joins their trace too.
    const shared = rows.every((r) => r.trace_parent === rows[0]?.trace_parent)
      ? traceContextOf(rows[0]?.trace_parent, rows[0]?.trace_state)
      : undefined;
    try {
      const failed = await this.dapr.publishBulk(this.opts.pubsub, topic, entries, shared);
      return new Map([...failed].map(([id, why]) => [Number(id), why]));
    } catch (err) {
      const why = String(err instanceof Error ? err.message : err);
      return new Map(rows.map((r) => [r.seq, why]));
    }
  }

  /** A row that was not published backs off; its aggregate's later rows wait for it. */
  private async failed(trx: Kysely<PlatformTables>, row: OutboxRow, why: string) {
    const attempts = row.attempts + 1;
    const delay = backoffMs(attempts);
    this.log.warn(
      { err: why, topic: row.topic, eventId: row.event_id, attempts, retryInMs: delay },
      'publish failed',
    );
    await trx
      .updateTable('outbox')
      .set({
        attempts,
        last_error: why.slice(0, 1000),
        next_attempt_at: new Date(Date.now() + delay),
      })
      .where('seq', '=', row.seq)
      .execute();
  }

  /** Sent rows are kept three days for inspection, then deleted. */
  private async prune() {
    if (Date.now() - this.lastPrune < 10 * 60_000) return;
    this.lastPrune = Date.now();
    await this.db
      .deleteFrom('outbox')
      .where('sent_at', '<', new Date(Date.now() - 3 * 86_400_000))
      .execute();
  }

  /** Stops waking and delivers what is already committed, within the deadline. */
  async stop(deadlineMs = 5000): Promise<void> {
    clearTimeout(this.holdTimer);
    const finish = (async () => {
      await this.worker.stop();
      await this.drain().catch((err) => this.log.error({ err }, 'final outbox drain failed'));
    })();
    await Promise.race([finish, new Promise((r) => setTimeout(r, deadlineMs).unref())]);
  }

  /** Rows committed but not yet delivered. */
  async pending(): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sent_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
