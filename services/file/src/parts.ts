import type { ServiceDeps } from '@mp/platform';
import type { FileConfig } from './config.ts';
import type { Database } from './db/schema.ts';
import type { FileParts } from './domain/files.ts';
import { cloudFront, noCdn } from './storage/cdn.ts';
import { s3Store } from './storage/objects.ts';

export type FileDeps = ServiceDeps<Database, FileConfig>;

const cache = new WeakMap<object, FileParts>();

/** The object store and CDN of this service, made once from its config. */
export function partsOf(deps: FileDeps): FileParts {
  let parts = cache.get(deps.config);
  if (!parts) {
    const c = deps.config;
    parts = {
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
    };
    cache.set(deps.config, parts);
  }
  return parts;
}
