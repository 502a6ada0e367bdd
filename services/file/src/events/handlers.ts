import type { EventHandlers } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { makeVariants } from '../domain/files.ts';
import { type FileDeps, partsOf } from '../parts.ts';

/** The resize worker: an uploaded image gets its variants (the seed's Lambda step, event-driven). */
export function handlers(deps: FileDeps): EventHandlers<Database> {
  return {
    'file.uploaded': async ({ data }, { trx }) => {
      await makeVariants(trx, partsOf(deps).store, data.fileId);
    },
  };
}
