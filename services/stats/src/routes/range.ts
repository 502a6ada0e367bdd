import { validationFailed, z } from '@mp/platform';
import { daysBetween } from '../domain/calendar.ts';

const day = z.iso.date().openapi({ description: 'a Korean calendar date (Asia/Seoul), included' });
export const rangeQuery = z.object({ from: day, to: day });

/** A range in the right order and not longer than `maxDays`; otherwise a 400 naming the field. */
export function checkRange(from: string, to: string, maxDays: number): void {
  if (from > to) throw validationFailed([{ path: 'from', message: 'must not be after `to`' }]);
  if (daysBetween(from, to) + 1 > maxDays)
    throw validationFailed([{ path: 'to', message: `the range is at most ${maxDays} days` }]);
}
