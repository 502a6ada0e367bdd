import { v7 } from 'uuid';

/** A new time-ordered id (UUIDv7), as the contract asks for every id. */
export const newId = (): string => v7();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a path's or body's id can be one of ours (a UUID). Anything else names nothing: the
 * caller answers its resource's 404 before any query (`if (!isId(id)) throw notFound(…)`), so a
 * malformed id never becomes a database error.
 */
export const isId = (id: string): boolean => UUID.test(id);
