import { describe, expect, it } from 'vitest';
import { kstDate, lastClosedPeriod, period, periodProblem } from '../src/domain/periods.ts';

describe('settlement periods in Korean time', () => {
  it('turn dates into [start, end) instants at Korean midnight', () => {
    const p = period('2024-03-01', '2024-03-31');
    expect(p.start.toISOString()).toBe('2024-02-29T15:00:00.000Z');
    expect(p.end.toISOString()).toBe('2024-03-31T15:00:00.000Z');
    expect(kstDate(new Date('2024-03-01T14:59:59Z'))).toBe('2024-03-01');
    expect(kstDate(new Date('2024-03-01T15:00:00Z'))).toBe('2024-03-02');
  });

  it('close yesterday, last Monday–Sunday or last month', () => {
    const monday = new Date('2024-03-04T00:30:00+09:00'); // still Sunday 3 March in UTC
    const short = (c: 'DAILY' | 'WEEKLY' | 'MONTHLY', at: Date) => {
      const p = lastClosedPeriod(c, at);
      return `${p.from}..${p.to}`;
    };
    expect(short('DAILY', monday)).toBe('2024-03-03..2024-03-03');
    expect(short('WEEKLY', monday)).toBe('2024-02-26..2024-03-03');
    expect(short('MONTHLY', monday)).toBe('2024-02-01..2024-02-29');
    const sunday = new Date('2024-03-10T23:00:00+09:00');
    expect(short('WEEKLY', sunday)).toBe('2024-02-26..2024-03-03');
    expect(short('MONTHLY', new Date('2024-01-01T00:00:00+09:00'))).toBe('2023-12-01..2023-12-31');
  });

  it('refuse reversed, overlong and unfinished periods', () => {
    const now = new Date('2024-03-10T12:00:00+09:00');
    expect(periodProblem('2024-03-02', '2024-03-01', now)).toMatchObject({ path: 'from' });
    expect(periodProblem('2023-01-01', '2024-03-01', now)).toMatchObject({
      path: 'to',
      code: 'VALIDATION_FAILED',
    });
    expect(periodProblem('2024-03-01', '2024-03-10', now)).toMatchObject({ code: 'PERIOD_NOT_ENDED' });
    expect(periodProblem('2024-03-01', '2024-03-09', now)).toBeUndefined();
  });
});
