import { runService } from '@mp/platform';
import { service } from './service.ts';

await runService(service);
