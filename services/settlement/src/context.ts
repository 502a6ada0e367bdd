import { createDocuments, type Documents } from '@mp/documents';
import { type Logger, sealSecret, unsealSecret, type Worker, wakeableWorker } from '@mp/platform';
import { type Fetch, openBanking } from './bank/openbanking.ts';
import { BANK_SANDBOX_BASE, type Deps } from './config.ts';
import type { PayoutContext } from './domain/payout-context.ts';
import { scheduledBatches } from './domain/payout-schedule.ts';
import { drainPayouts } from './domain/payouts.ts';
import { type Issuer, statementIssuer } from './domain/statements.ts';

/** The local sandbox's client credentials (no secret: the sandbox exists only in local profiles). */
export const SANDBOX_BANK_CLIENT = {
  clientId: 'sandbox-settlement',
  clientSecret: 'sandbox-settlement-secret',
};
/** Local profiles' key for sealing account numbers when BANK_ACCOUNT_KEY is unset (no secret either). */
const LOCAL_ACCOUNT_KEY = Buffer.alloc(32, 'marketplace-local-bank-accounts');

/** The service's own parts beyond the kit's, built once by the kit (`context(deps)`). */
export interface Parts {
  storage: Documents;
  issuer: Issuer;
  /** Issues pending statements soon, without waiting for the next poll. */
  wakeIssuer(): void;
  issuerWorker: Worker;
  payouts: PayoutContext;
  payoutWorker: Worker;
  /** Starts each scheduled period's payout batch once its settlements are issued. */
  payoutScheduleWorker: Worker;
}

export interface PartsOptions {
  /** Tests reach the bank sandbox through the app itself. */
  fetch?: Fetch;
}

/** What settlement's routes, handlers and workers share: the kit's deps and the service's parts. */
export type SettlementContext = Deps & Parts;

/** The service's context, from the kit's deps (the kit calls it once per service instance). */
export function settlementContext(deps: Deps, o: PartsOptions = {}): SettlementContext {
  const storage = createDocuments(deps.config);
  const issuer = statementIssuer(deps, storage);
  const payouts = payoutContext(deps, o);
  const payoutWorker = wakeableWorker('payouts', { pollMs: deps.config.PAYOUT_POLL_MS, log: deps.log }, () =>
    drainPayouts(payouts),
  );
  payouts.wake = () => payoutWorker.wake();
  const payoutScheduleWorker = wakeableWorker(
    'payout-schedule',
    { pollMs: deps.config.PAYOUT_SCHEDULE_POLL_MS, log: deps.log },
    () => scheduledBatches(payouts),
  );
  return {
    ...deps,
    storage,
    issuer,
    ...issuingWorker(issuer, deps.config.STATEMENT_POLL_MS, deps.log),
    payouts,
    payoutWorker,
    payoutScheduleWorker,
  };
}

/** The bank: the configured open-banking API, or locally the sandbox in this service. */
function payoutContext(deps: Deps, o: PartsOptions): PayoutContext {
  const c = deps.config;
  const local = Boolean(c.LOCAL_DEV);
  const credentials =
    c.BANK_CLIENT_ID && c.BANK_CLIENT_SECRET
      ? { clientId: c.BANK_CLIENT_ID, clientSecret: c.BANK_CLIENT_SECRET }
      : local
        ? SANDBOX_BANK_CLIENT
        : undefined;
  const baseUrl =
    c.BANK_API_BASE_URL ?? (local ? `http://127.0.0.1:${c.PORT}${BANK_SANDBOX_BASE}` : undefined);
  const key = c.BANK_ACCOUNT_KEY ? Buffer.from(c.BANK_ACCOUNT_KEY, 'base64') : LOCAL_ACCOUNT_KEY;
  return {
    db: deps.db,
    events: deps.events,
    log: deps.log,
    bank:
      credentials && baseUrl
        ? openBanking({
            baseUrl,
            ...credentials,
            orgCode: c.BANK_ORG_CODE,
            contractAccount: c.BANK_CONTRACT_ACCOUNT,
            timeoutMs: c.BANK_TIMEOUT_MS,
            ...(o.fetch ? { fetch: o.fetch } : {}),
          })
        : undefined,
    orgCode: c.BANK_ORG_CODE,
    clientName: c.PLATFORM_BUSINESS_NAME ?? '마켓플레이스',
    recheckAfterMs: c.PAYOUT_RECHECK_AFTER_MS,
    seal: (n) => sealSecret(key, n),
    unseal: (s) => unsealSecret(key, s),
    wake: () => undefined,
  };
}

/** Polls for calculated settlements and issues their statements; a wake-up runs it at once. */
function issuingWorker(issuer: Issuer, everyMs: number, log: Logger) {
  const issuerWorker = wakeableWorker('statement-issuer', { pollMs: everyMs, log }, () =>
    issuer.issuePending(),
  );
  return { wakeIssuer: () => issuerWorker.wake(), issuerWorker };
}
