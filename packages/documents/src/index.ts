/**
 * Private documents a service writes and serves itself (settlement statements, stats reports):
 * objects in an S3 bucket, never public, read back by key. S3 itself on AWS (IRSA credentials),
 * the local AWS emulator in development and tests.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { envFlag, z } from '@mp/platform';

/** The variables of a service's document bucket, for its config's `.extend()`. */
export const documentBucketConfig = (defaultBucket: string) =>
  z.object({
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{2,62}$/)
      .default(defaultBucket),
    /** An S3-compatible endpoint (the local AWS emulator); unset on AWS. */
    S3_ENDPOINT: z.url().optional(),
    S3_REGION: z.string().default('ap-northeast-2'),
    /** Static credentials for the emulator; on AWS the default chain (IRSA) is used. */
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    /** Local profiles: create the bucket when it does not exist. */
    S3_CREATE_BUCKET: envFlag.default(false),
  }).shape;

export type DocumentBucketConfig = z.infer<z.ZodObject<ReturnType<typeof documentBucketConfig>>>;

export interface Documents {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
}

const named = (err: unknown, ...names: string[]) => names.includes((err as { name?: string }).name ?? '');

export function createDocuments(cfg: DocumentBucketConfig): Documents {
  const client = new S3Client({
    region: cfg.S3_REGION,
    ...(cfg.S3_ENDPOINT ? { endpoint: cfg.S3_ENDPOINT, forcePathStyle: true } : {}),
    ...(cfg.S3_ACCESS_KEY_ID && cfg.S3_SECRET_ACCESS_KEY
      ? { credentials: { accessKeyId: cfg.S3_ACCESS_KEY_ID, secretAccessKey: cfg.S3_SECRET_ACCESS_KEY } }
      : {}),
  });
  const Bucket = cfg.S3_BUCKET;
  const createBucket = () =>
    client
      .send(
        new CreateBucketCommand({
          Bucket,
          ...(cfg.S3_REGION === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: cfg.S3_REGION as never } }),
        }),
      )
      .catch((e) => {
        if (!named(e, 'BucketAlreadyOwnedByYou', 'BucketAlreadyExists')) throw e;
      });

  return {
    async put(key, body, contentType) {
      const put = () =>
        client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType }));
      try {
        await put();
      } catch (err) {
        if (!(err instanceof NoSuchBucket || named(err, 'NoSuchBucket')) || !cfg.S3_CREATE_BUCKET) throw err;
        await createBucket();
        await put();
      }
    },
    async get(key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        return Buffer.from(await res.Body!.transformToByteArray());
      } catch (err) {
        if (err instanceof NoSuchKey || err instanceof NoSuchBucket) return undefined;
        if (named(err, 'NoSuchKey', 'NoSuchBucket', 'NotFound')) return undefined;
        throw err;
      }
    },
  };
}
