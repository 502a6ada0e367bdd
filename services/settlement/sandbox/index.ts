import type { LocalMount } from '@mp/platform';
import type { Deps } from '../src/config.ts';
import { SANDBOX_BANK_CLIENT } from '../src/context.ts';
import { bankSandbox } from './bank.ts';

/**
 * The bank sandbox as a local run mounts it (LOCAL_MODULE names this file; no image has it): the
 * open-banking API's token, 예금주 check and transfers under /sandbox/bank.
 */
export const settlementSandbox: LocalMount<Deps> = (app, { db, config: c }) =>
  bankSandbox(app, db as never, {
    clientId: c.BANK_CLIENT_ID ?? SANDBOX_BANK_CLIENT.clientId,
    clientSecret: c.BANK_CLIENT_SECRET ?? SANDBOX_BANK_CLIENT.clientSecret,
  });

export default settlementSandbox;
