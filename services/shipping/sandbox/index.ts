import type { LocalMount } from '@mp/platform';
import { SANDBOX_TRACKER_KEY } from '../src/config.ts';
import type { ShippingServiceContext } from '../src/service.ts';
import { carrierSandbox } from './carrier.ts';

/**
 * The carrier sandbox as a local run mounts it (LOCAL_MODULE names this file; no image has it):
 * the 스마트택배 tracking API under /sandbox/carrier.
 */
const mount: LocalMount<ShippingServiceContext> = (app, { db, config: c }) =>
  carrierSandbox(app, db as never, {
    apiKey: c.CARRIER_API_KEY ?? SANDBOX_TRACKER_KEY,
    autoAdvance: c.CARRIER_SANDBOX_AUTO_ADVANCE,
  });
export default mount;
