import type { Logger, Worker } from '@mp/platform';
import type { Deps } from './config.ts';
import { type Issuer, statementIssuer } from './domain/statements.ts';
import { createStorage, type Storage } from './domain/storage.ts';

export interface Parts {
  storage: Storage;
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
    const storage = createStorage(deps.config);
    const issuer = statementIssuer(deps, storage);
    parts = { storage, issuer, ...issuingWorker(issuer, deps.config.STATEMENT_POLL_MS, deps.log) };
    made.set(deps, parts);
  }
  return parts;
}

/** Polls for calculated settlements and issues their statements; a wake-up runs it at once. */
function issuingWorker(issuer: Issuer, everyMs: number, log: Logger) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let again = false;
  let started = false;
  const run = () => {
    if (!started) return;
    if (running) {
      again = true;
      return;
    }
    running = issuer
      .issuePending()
      .catch((err) => log.error({ err }, 'issuing statements failed; retrying at the next poll'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const issuerWorker: Worker = {
    name: 'statement-issuer',
    async start() {
      started = true;
      timer = setInterval(run, everyMs);
      timer.unref();
      run();
    },
    async stop() {
      started = false;
      if (timer) clearInterval(timer);
      await running;
    },
  };
  return { wakeIssuer: run, issuerWorker };
}
