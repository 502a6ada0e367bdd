import { type LocalMount, localModule, runService } from '@mp/platform';
import type { Deps } from './config.ts';
import { settlementService } from './service.ts';

// Local runs name the bank sandbox (services/settlement/sandbox/index.ts) in LOCAL_MODULE.
const local = await localModule<LocalMount<Deps>>('settlement');
await runService(settlementService(local ? { local } : {}));
