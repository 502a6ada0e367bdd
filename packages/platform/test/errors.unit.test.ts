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

  it('keeps anything else a 500', () => {
    expect(toApiError(new Error('boom')).status).toBe(500);
    expect(toApiError(Object.assign(new Error('unique'), { code: '23505' })).status).toBe(500);
  });
});
