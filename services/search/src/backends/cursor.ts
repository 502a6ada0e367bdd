import { decodeCursor, encodeCursor, validationFailed, z } from '@mp/platform';
import type { SearchSort } from './port.ts';

const position = z.object({ s: z.string(), k: z.union([z.string(), z.number()]), id: z.string() });
export type Position = z.infer<typeof position>;

/** A search cursor: the last hit's sort key and id, for the sort it was made in. */
export function readCursor(cursor: string | undefined, sort: SearchSort): Position | undefined {
  const p = decodeCursor(cursor, position);
  if (p && p.s !== sort)
    throw validationFailed([{ path: 'cursor', message: `a cursor of the ${p.s} order, not ${sort}` }]);
  return p;
}

export const makeCursor = (sort: SearchSort, key: string | number, id: string) =>
  encodeCursor({ s: sort, k: key, id });
