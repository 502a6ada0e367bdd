import type { ServiceDeps } from '@mp/platform';
import type { FileConfig } from './config.ts';
import type { Database } from './db/schema.ts';
import type { FileParts } from './domain/files.ts';
import { cloudFront, noCdn } from './storage/cdn.ts';
import { s3Store } from './storage/objects.ts';

export type FileDeps = ServiceDeps<Database, FileConfig>;

/** What file's routes and workers share: the deps and the parts the use cases take (object store, CDN, URL lifetimes). */
export interface FileContext extends FileDeps {
  parts: FileParts;
}

/** Builds file's context from the config; the kit calls it once per service (the definition's `context`). */
export function fileContext(deps: FileDeps): FileContext {
  const c = deps.config;
  return {
    ...deps,
    parts: {
      db: deps.db,
      events: deps.events,
      store: s3Store({
        bucket: c.S3_BUCKET,
        region: c.S3_REGION,
        endpoint: c.S3_ENDPOINT,
        publicEndpoint: c.S3_PUBLIC_ENDPOINT,
        publicBaseUrl: c.FILE_PUBLIC_BASE_URL,
        credentials:
          c.S3_ACCESS_KEY_ID && c.S3_SECRET_ACCESS_KEY
            ? { accessKeyId: c.S3_ACCESS_KEY_ID, secretAccessKey: c.S3_SECRET_ACCESS_KEY }
            : undefined,
      }),
      cdn: c.CDN_DISTRIBUTION_ID ? cloudFront(c.CDN_DISTRIBUTION_ID) : noCdn,
      uploadTtlSeconds: c.UPLOAD_URL_TTL_SECONDS,
      downloadTtlSeconds: c.DOWNLOAD_URL_TTL_SECONDS,
    },
  };
}
