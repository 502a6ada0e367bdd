import { describe, expect, it } from 'vitest';
import { toApiError } from '../src/errors.ts';
import { logLines } from './fixtures/log-lines.ts';

describe('toApiError', () => {
  it('answers overload (no pool connection in time, lock or statement timeout, deadlock) with 503 and Retry-After', () => {
    for (const err of [
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated due to connection timeout: Connection terminated unexpectedly'),
      Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' }),
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
      Object.assign(new Error('deadlock detected'), { code: '40P01' }),
    ]) {
      const api = toApiError(err);
      expect([api.status, api.code, api.headers['retry-after']]).toEqual([503, 'SERVICE_BUSY', '1']);
    }
  });

  it('answers a database that is restarting or unreachable with 503 and Retry-After, not 500', () => {
    for (const err of [
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      Object.assign(new Error('the database system is shutting down'), { code: '57P03' }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      Object.assign(new Error('connection failure'), { code: '08006' }),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
    ]) {
      const api = toApiError(err);
      expect([api.status, api.code, api.headers['retry-after']]).toEqual([503, 'SERVICE_BUSY', '1']);
    }
  });

  it('keeps anything else a 500', () => {
    expect(toApiError(new Error('boom')).status).toBe(500);
    expect(toApiError(Object.assign(new Error('unique'), { code: '23505' })).status).toBe(500);
  });
});

describe('a problem raised while a request is answered', () => {
  it('carries no stack trace when it is a 4xx answer; a 5xx, and one raised elsewhere, keep theirs', async () => {
    const { createApp } = await import('../src/app.ts');
    const { createLogger } = await import('../src/logger.ts');
    const { runInContext } = await import('../src/context.ts');
    const { ApiError, conflict } = await import('../src/errors.ts');
    const { lines, sink } = logLines();
    const app = createApp(createLogger('order', 'info', sink));
    const raised: InstanceType<typeof ApiError>[] = [];
    app.get('/api/v1/things/:n', (c) => {
      const e =
        c.req.param('n') === '409' ? conflict('SOLD_OUT', 'none left') : new ApiError(503, 'DOWN', 'x');
      raised.push(e);
      // An event handler's work inside the request (a delivery) keeps stacks.
      raised.push(runInContext({ correlationId: 'c', traceId: 't' }, () => conflict('SOLD_OUT', 'again')));
      throw e;
    });
    const limit = Error.stackTraceLimit;
    const res = await app.request('/api/v1/things/409');
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ status: 409, code: 'SOLD_OUT', detail: 'none left' });
    expect((await app.request('/api/v1/things/503')).status).toBe(503);
    expect(Error.stackTraceLimit).toBe(limit);
    const frames = (e: Error) => (e.stack ?? '').split('\n').filter((l) => l.trim().startsWith('at ')).length;
    expect(raised.map(frames).map((n) => n > 0)).toEqual([false, true, true, true]);
    expect(frames(conflict('SOLD_OUT', 'outside any request'))).toBeGreaterThan(0);
    // The request's line is written as before.
    expect(Object.keys(lines.find((l) => l.msg === 'request')!)).toEqual([
      'level',
      'time',
      'service',
      'method',
      'path',
      'status',
      'ms',
      'requestId',
      'correlationId',
      'trace_id',
      'span_id',
      'msg',
    ]);
  });
});
