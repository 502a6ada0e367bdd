import { v7 } from 'uuid';

/** A new time-ordered id (UUIDv7), as the contract asks for every id. */
export const newId = (): string => v7();
