import type { Deps } from './config.ts';
import { createStorage, type Storage } from './domain/storage.ts';

const made = new WeakMap<object, Storage>();

/** The report store, made once per service instance. */
export function storageOf(deps: Deps): Storage {
  let s = made.get(deps);
  if (!s) {
    s = createStorage(deps.config);
    made.set(deps, s);
  }
  return s;
}
