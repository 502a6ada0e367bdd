import { baseConfigSchema, envFlag, type ServiceConfig, z } from '@mp/platform';

/** The file service's variables (the kit's base ones and these). */
export const config = baseConfigSchema.extend({
  S3_BUCKET: z.string().min(3).max(63).default('marketplace-files'),
  S3_REGION: z.string().default('ap-northeast-2'),
  /** An S3-compatible endpoint (the local AWS emulator); unset on AWS. */
  S3_ENDPOINT: z.url().optional(),
  /** The endpoint clients reach for presigned URLs, when it differs from S3_ENDPOINT. */
  S3_PUBLIC_ENDPOINT: z.url().optional(),
  /** Static credentials (the emulator's); on AWS the default chain (IRSA) is used. */
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Create the bucket at start when missing: local runs and tests only. */
  S3_CREATE_BUCKET: envFlag.default(false),
  /** Base URL of public objects: the CloudFront domain on AWS. */
  FILE_PUBLIC_BASE_URL: z.url().optional(),
  /** CloudFront distribution to invalidate when public files are deleted. */
  CDN_DISTRIBUTION_ID: z.string().optional(),
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  DOWNLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(604_800).default(900),
  /** The resize worker's safety-net poll (it is woken at once by each completed upload). */
  RESIZE_POLL_MS: z.coerce.number().int().min(100).default(5000),
});
export type FileConfig = ServiceConfig<typeof config>;
