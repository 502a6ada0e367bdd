/**
 * W3C trace context in the kit: parsing, starting a trace at Dapr's sampling rate, the context a
 * delivered event continues, what an invocation sends its sidecar, what the relay publishes a
 * row with, and the trace ids on log lines.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { runInContext } from '../src/context.ts';
import { createDapr } from '../src/dapr.ts';
import { createLogger } from '../src/logger.ts';
import { publishMetadata } from '../src/outbox.ts';
import {
  deliveredTrace,
  parseTraceparent,
  sampledAtRate,
  startTrace,
  traceContextOf,
  traceHeaders,
} from '../src/trace.ts';
import { logLines } from './fixtures/log-lines.ts';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const parent = `00-${T}-00f067aa0ba902b7-01`;

describe('traceparent', () => {
  it('takes a valid one and refuses the rest', () => {
    expect(parseTraceparent(parent)).toEqual({ traceId: T, spanId: '00f067aa0ba902b7', sampled: true });
    expect(parseTraceparent(`00-${T}-00f067aa0ba902b7-00`)?.sampled).toBe(false);
    for (const bad of [
      undefined,
      '',
      'garbage',
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-${T}-${'0'.repeat(16)}-01`,
      `ff-${T}-00f067aa0ba902b7-01`,
      `00-${T}-00f067aa0ba902b7-01-extra`,
      `00-${T.toUpperCase()}-00f067aa0ba902b7-01`,
    ])
      expect(parseTraceparent(bad), String(bad)).toBeUndefined();
    // A later version may add fields: its first four are read.
    expect(traceContextOf(`01-${T}-00f067aa0ba902b7-01-more`)).toEqual({ traceparent: parent });
  });

  it('keeps a tracestate only beside a valid traceparent', () => {
    expect(traceContextOf(parent, 'congo=t61rcWkgMzE')).toEqual({
      traceparent: parent,
      tracestate: 'congo=t61rcWkgMzE',
    });
    expect(traceContextOf('nope', 'congo=t61rcWkgMzE')).toBeUndefined();
    expect(traceContextOf(parent, 'x'.repeat(513))).toEqual({ traceparent: parent });
    expect(traceHeaders(traceContextOf(parent, 'a=b'))).toEqual({ traceparent: parent, tracestate: 'a=b' });
    expect(traceHeaders(undefined)).toEqual({});
  });
});

describe('a trace started by the app', () => {
  it('is sampled as a sidecar would sample it (TraceIDRatioBased on the last 8 bytes)', () => {
    const low = `${'f'.repeat(16)}0000000000000000`;
    const high = `${'0'.repeat(16)}ffffffffffffffff`;
    const mid = `${'0'.repeat(16)}7fffffffffffffff`; // >> 1 = 2^62 - 1: just below half
    expect(sampledAtRate(low, 0.001)).toBe(true);
    expect(sampledAtRate(high, 0.999)).toBe(false);
    expect(sampledAtRate(mid, 0.5)).toBe(true);
    expect(sampledAtRate(`${'0'.repeat(16)}8000000000000000`, 0.5)).toBe(false);
    expect(sampledAtRate(high, 1)).toBe(true);
    expect(sampledAtRate(low, 0)).toBe(false);
  });

  it('is a fresh valid traceparent, flagged by the rate', () => {
    const a = parseTraceparent(startTrace(1).traceparent)!;
    const b = parseTraceparent(startTrace(1).traceparent)!;
    expect(a.sampled).toBe(true);
    expect(a.traceId).not.toBe(b.traceId);
    expect(parseTraceparent(startTrace(0).traceparent)!.sampled).toBe(false);
  });
});

describe('a delivered event', () => {
  const delivery = `00-${T}-1111111111111111-01`;
  const other = `00-${'a'.repeat(32)}-2222222222222222-01`;

  it('continues the trace it was published in, under the delivering sidecar span when that is in it', () => {
    expect(deliveredTrace({ traceparent: parent }, { traceparent: delivery })).toEqual({
      traceparent: delivery,
    });
    // A batch's header is one entry's span: another entry keeps its own trace.
    expect(deliveredTrace({ traceparent: parent, tracestate: 'k=v' }, { traceparent: other })).toEqual({
      traceparent: parent,
      tracestate: 'k=v',
    });
    // Dapr's older field.
    expect(deliveredTrace({ traceid: parent }, {})).toEqual({ traceparent: parent });
    expect(deliveredTrace({}, { traceparent: delivery })).toEqual({ traceparent: delivery });
    expect(deliveredTrace({}, {})).toBeUndefined();
  });
});

describe('the outbox relay', () => {
  const row = {
    envelope: { eventId: 'e-1', eventType: 'order.created', source: 'order-service' },
    aggregate_key: 'order:o-1',
  };

  it('publishes a row with the trace it was written in (cloudevent.traceparent / tracestate)', () => {
    expect(publishMetadata({ ...row, trace_parent: parent, trace_state: 'k=v' })).toEqual({
      'cloudevent.id': 'e-1',
      'cloudevent.type': 'order.created',
      'cloudevent.source': 'order-service',
      partitionKey: 'order:o-1',
      'cloudevent.traceparent': parent,
      'cloudevent.tracestate': 'k=v',
    });
  });

  it('leaves the trace to the sidecar for a row without one (or with a broken one)', () => {
    for (const trace_parent of [null, 'broken']) {
      const m = publishMetadata({ ...row, trace_parent, trace_state: 'k=v' });
      expect(m).not.toHaveProperty('cloudevent.traceparent');
      expect(m).not.toHaveProperty('cloudevent.tracestate');
    }
  });
});

describe('an invocation', () => {
  let seen: IncomingHttpHeaders[] = [];
  const sidecar = createServer((req, res) => {
    // The SDK asks the sidecar's health first: only the invocations count here.
    if (req.url?.startsWith('/v1.0/invoke/')) seen.push(req.headers);
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((r) => sidecar.listen(0, '127.0.0.1', r));
    port = (sidecar.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => sidecar.close(() => r())));

  it('sends its sidecar the trace context of the work it belongs to', async () => {
    const dapr = createDapr({ host: '127.0.0.1', httpPort: port, caller: 'order' });
    seen = [];
    await runInContext({ correlationId: 'c-1', traceId: T, traceparent: parent, tracestate: 'k=v' }, () =>
      dapr.invoke('inventory', '/internal/availability', { body: { skus: [] } }),
    );
    expect(seen[0]).toMatchObject({ traceparent: parent, tracestate: 'k=v', 'x-correlation-id': 'c-1' });
    // Outside any work: nothing to carry (the sidecar starts its own).
    seen = [];
    await dapr.invoke('inventory', '/internal/availability', { body: { skus: [] } });
    expect(seen[0]).not.toHaveProperty('traceparent');
    await dapr.stop();
  });
});

describe('log lines', () => {
  it('carry trace_id and span_id of the work they belong to', () => {
    const { lines, sink } = logLines();
    const logger = createLogger('order', 'info', sink);
    runInContext({ correlationId: 'c-2', traceId: T, traceparent: parent }, () => logger.info('inside'));
    runInContext({ correlationId: 'c-3', traceId: 'b'.repeat(32) }, () => logger.info('no traceparent'));
    logger.info('outside');
    expect(lines[0]).toMatchObject({ correlationId: 'c-2', trace_id: T, span_id: '00f067aa0ba902b7' });
    expect(lines[1]).toMatchObject({ correlationId: 'c-3', trace_id: 'b'.repeat(32) });
    expect(lines[2]).not.toHaveProperty('trace_id');
  });

  it("include the request's own line, written once its work is done", async () => {
    const { lines, sink } = logLines();
    const app = createApp(createLogger('order', 'info', sink));
    app.get('/api/v1/things', (c) => c.json({ ok: true }));
    await app.request('/api/v1/things', { headers: { traceparent: parent } });
    expect(lines.find((l) => l.msg === 'request')).toMatchObject({
      path: '/api/v1/things',
      trace_id: T,
      span_id: '00f067aa0ba902b7',
    });
  });
});
