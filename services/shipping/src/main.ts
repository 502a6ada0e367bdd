import { type LocalMount, localModule, runService } from '@mp/platform';
import { type ShippingServiceContext, shippingService } from './service.ts';

// Local runs name the carrier sandbox (services/shipping/sandbox/index.ts) in LOCAL_MODULE.
const local = await localModule<LocalMount<ShippingServiceContext>>('shipping');
await runService(shippingService(local ? { local } : {}));
