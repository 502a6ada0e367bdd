import type { App, ServiceDeps } from '@mp/platform';
import type { Database } from '../db/schema.ts';

/** The public routes of the review service. */
export function routes(_app: App, _deps: ServiceDeps<Database>): void {}
