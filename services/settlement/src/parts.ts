import { createDocuments, type Documents } from '@mp/documents';
import { type Logger, type Worker, wakeableWorker } from '@mp/platform';
import type { Deps } from './config.ts';
import { type Issuer, statementIssuer } from './domain/statements.ts';

export interface Parts {
  storage: Documents;
  issuer: Issuer;
  /** Issues pending statements soon, without waiting for the next poll. */
  wakeIssuer(): void;
  issuerWorker: Worker;
}

const made = new WeakMap<object, Parts>();

/** The service's own parts beyond the kit's, made once per service instance. */
export function partsOf(deps: Deps): Parts {
  let parts = made.get(deps);
  if (!parts) {
    const storage = createDocuments(deps.config);
    const issuer = statementIssuer(deps, storage);
    parts = { storage, issuer, ...issuingWorker(issuer, deps.config.STATEMENT_POLL_MS, deps.log) };
    made.set(deps, parts);
  }
  return parts;
}

/** Polls for calculated settlements and issues their statements; a wake-up runs it at once. */
function issuingWorker(issuer: Issuer, everyMs: number, log: Logger) {
  const issuerWorker = wakeableWorker('statement-issuer', { pollMs: everyMs, log }, () =>
    issuer.issuePending(),
  );
  return { wakeIssuer: () => issuerWorker.wake(), issuerWorker };
}
