import { type LocalMount, localModule, runService } from '@mp/platform';
import type { PaymentServiceContext } from './context.ts';
import { paymentService } from './service.ts';

// Local runs name the PG sandbox (services/payment/sandbox/index.ts) in LOCAL_MODULE.
const local = await localModule<LocalMount<PaymentServiceContext>>('payment');
await runService(paymentService(local ? { local } : {}));
