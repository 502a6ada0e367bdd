import { createDocuments, type Documents } from '@mp/documents';
import type { Deps } from './config.ts';

const made = new WeakMap<object, Documents>();

/** The report store, made once per service instance. */
export function storageOf(deps: Deps): Documents {
  let s = made.get(deps);
  if (!s) {
    s = createDocuments(deps.config);
    made.set(deps, s);
  }
  return s;
}
