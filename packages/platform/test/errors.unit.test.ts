import { describe, expect, it } from 'vitest';
import { toApiError } from '../src/errors.ts';

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
