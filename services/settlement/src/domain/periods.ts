/**
 * Settlement periods in the Korean calendar (Asia/Seoul, UTC+9 all year: Korea has kept no summer
 * time since 1988). A period is whole days `from`..`to` inclusive, held as [start, end) instants.
 */
import { unprocessable, validationFailed } from '@mp/platform';

const DAY = 86_400_000;
const KST = 9 * 3_600_000;

export interface Period {
  from: string;
  to: string;
  start: Date;
  end: Date;
}

/** The Korean calendar date of an instant. */
export const kstDate = (at: Date): string => new Date(at.getTime() + KST).toISOString().slice(0, 10);
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
export const kstMidnight = (date: string): Date => new Date(`${date}T00:00:00+09:00`);

export function period(from: string, to: string): Period {
  return { from, to, start: kstMidnight(from), end: kstMidnight(addDays(to, 1)) };
}

export type Cycle = 'DAILY' | 'WEEKLY' | 'MONTHLY';

/** The last period of the cycle that has ended by `now`: yesterday, last Monday–Sunday, or last month. */
export function lastClosedPeriod(cycle: Cycle, now: Date): Period {
  const today = kstDate(now);
  if (cycle === 'DAILY') return period(addDays(today, -1), addDays(today, -1));
  if (cycle === 'WEEKLY') {
    const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
    const monday = addDays(today, -weekday);
    return period(addDays(monday, -7), addDays(monday, -1));
  }
  const firstOfMonth = `${today.slice(0, 8)}01`;
  const lastMonthEnd = addDays(firstOfMonth, -1);
  return period(`${lastMonthEnd.slice(0, 8)}01`, lastMonthEnd);
}

/** The longest period one run may close. */
export const MAX_PERIOD_DAYS = 366;

export type PeriodProblem = {
  path: 'from' | 'to';
  message: string;
  code: 'VALIDATION_FAILED' | 'PERIOD_NOT_ENDED';
};

/** Why `from`..`to` cannot be settled at `now`, if it cannot: reversed, too long, or not over yet. */
export function periodProblem(from: string, to: string, now: Date): PeriodProblem | undefined {
  if (from > to) return { path: 'from', message: 'must not be after `to`', code: 'VALIDATION_FAILED' };
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY + 1;
  if (days > MAX_PERIOD_DAYS)
    return { path: 'to', message: `a period is at most ${MAX_PERIOD_DAYS} days`, code: 'VALIDATION_FAILED' };
  if (to >= kstDate(now))
    return { path: 'to', message: 'the period has not ended yet (Korean time)', code: 'PERIOD_NOT_ENDED' };
  return undefined;
}

/** The period `from`..`to`, or the 400/422 naming the field when it cannot be closed at `now`. */
export function endedPeriod(from: string, to: string, now = new Date()): Period {
  const problem = periodProblem(from, to, now);
  if (problem) {
    const errors = [{ path: problem.path, message: problem.message }];
    if (problem.code === 'PERIOD_NOT_ENDED')
      throw unprocessable('PERIOD_NOT_ENDED', 'A period can be closed only once it has ended', {
        errors,
      });
    throw validationFailed(errors);
  }
  return period(from, to);
}
