import { randomFillSync } from 'node:crypto';

/**
 * W3C trace context (https://www.w3.org/TR/trace-context/): the `traceparent` and `tracestate`
 * headers that make one order's saga one trace. The sidecars write the spans (their Dapr
 * Configuration's `tracing`); the kit only carries the context: from the request or the event
 * that started a piece of work, onto every invocation it makes and into every outbox row it
 * writes, so the relay publishes the event with it and its consumers continue the same trace.
 */
export interface TraceContext {
  /** `00-<trace id>-<parent span id>-<flags>`. */
  traceparent: string;
  tracestate?: string;
}

export interface ParsedTraceparent {
  traceId: string;
  /** The span the work was handed over from (the caller's, or the sidecar's that delivered it). */
  spanId: string;
  sampled: boolean;
}

// Version 00 exactly; a later version may append fields, which a 00 parser keeps only the first four of.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
// The list's grammar, loosely: key=value members, printable ASCII, at most 512 characters.
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;

/** A valid traceparent's parts; undefined for anything else (all-zero ids and version ff included). */
export function parseTraceparent(value: string | undefined | null): ParsedTraceparent | undefined {
  if (typeof value !== 'string') return undefined;
  const m = TRACEPARENT.exec(value.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m;
  if (version === 'ff' || (version === '00' && rest)) return undefined;
  if (/^0+$/.test(traceId!) || /^0+$/.test(spanId!)) return undefined;
  return { traceId: traceId!, spanId: spanId!, sampled: (Number.parseInt(flags!, 16) & 1) === 1 };
}

/** The context of these headers when their traceparent is valid (a tracestate only beside one). */
export function traceContextOf(
  traceparent: string | undefined | null,
  tracestate?: string | undefined | null,
): TraceContext | undefined {
  const p = parseTraceparent(traceparent);
  if (!p) return undefined;
  const normalised = `00-${p.traceId}-${p.spanId}-${p.sampled ? '01' : '00'}`;
  return typeof tracestate === 'string' && TRACESTATE.test(tracestate)
    ? { traceparent: normalised, tracestate }
    : { traceparent: normalised };
}

/**
 * Dapr's sampling decision for a new trace (OpenTelemetry's TraceIDRatioBased, which the sidecars
 * use behind ParentBased): sampled when the trace id's last 8 bytes, shifted right by one, are
 * below rate·2^63. The sidecars follow the flag they are given, so a trace the app starts is kept
 * exactly as often as one a sidecar would have started.
 */
export function sampledAtRate(traceId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (!(rate > 0)) return false;
  const bound = BigInt(Math.floor(rate * 2 ** 63));
  return BigInt(`0x${traceId.slice(16)}`) >> 1n < bound;
}

/**
 * Random bytes drawn 6 KB at a time (as node's `randomUUID` does): a request without `traceparent`
 * needs 24, and one `randomBytes` call per id was a visible share of a request's CPU in a burst.
 */
const pool = Buffer.alloc(6144);
let poolAt = pool.length;
function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += bytes;
  return pool.toString('hex', poolAt - bytes, poolAt);
}

/** A new trace, for work that came without one (a request without `traceparent`). */
export function startTrace(samplingRate: number): TraceContext {
  let traceId = randomHex(16);
  while (/^0+$/.test(traceId)) traceId = randomHex(16);
  const spanId = randomHex(8).replace(/^0{16}$/, '0000000000000001');
  return { traceparent: `00-${traceId}-${spanId}-${sampledAtRate(traceId, samplingRate) ? '01' : '00'}` };
}

/**
 * The context of one delivered event: the cloud event carries the one it was published with
 * (`traceparent`, or Dapr's older `traceid`); the delivery's `traceparent` header is the span of
 * the sidecar that delivered it, a child in the same trace, so it is the better parent when it
 * belongs to that trace (with bulk delivery it is the span of one entry of the batch only).
 */
export function deliveredTrace(
  cloudEvent: Record<string, unknown>,
  header: { traceparent?: string | undefined; tracestate?: string | undefined },
): TraceContext | undefined {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const carried = traceContextOf(
    str(cloudEvent.traceparent) ?? str(cloudEvent.traceid),
    str(cloudEvent.tracestate),
  );
  const delivered = traceContextOf(header.traceparent, header.tracestate);
  if (!carried) return delivered;
  if (delivered && traceIdOf(delivered) === traceIdOf(carried)) return delivered;
  return carried;
}

export const traceIdOf = (ctx: TraceContext): string => ctx.traceparent.slice(3, 35);
export const spanIdOf = (ctx: TraceContext): string => ctx.traceparent.slice(36, 52);

/** `traceparent` (and `tracestate`) headers for an outgoing call. */
export const traceHeaders = (ctx: Partial<TraceContext> | undefined): Record<string, string> =>
  ctx?.traceparent
    ? { traceparent: ctx.traceparent, ...(ctx.tracestate ? { tracestate: ctx.tracestate } : {}) }
    : {};
