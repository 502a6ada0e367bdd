import { fileMetadata as contractFileMetadata } from '@mp/contracts';

/** A file's metadata: what its owner sees and what file's callers check (the contracts' fileMetadata). */
export const fileMetadata = contractFileMetadata.meta({ id: 'File' });
