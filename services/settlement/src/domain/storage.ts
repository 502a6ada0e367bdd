import {
  CreateBucketCommand,
  GetObjectCommand,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Config } from '../config.ts';

/** Statement files in S3 (the local AWS emulator in development, S3 itself on AWS). */
export interface Storage {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
}

export function createStorage(cfg: Config): Storage {
  const client = new S3Client({
    region: cfg.S3_REGION,
    ...(cfg.S3_ENDPOINT ? { endpoint: cfg.S3_ENDPOINT, forcePathStyle: true } : {}),
    ...(cfg.S3_ACCESS_KEY_ID && cfg.S3_SECRET_ACCESS_KEY
      ? { credentials: { accessKeyId: cfg.S3_ACCESS_KEY_ID, secretAccessKey: cfg.S3_SECRET_ACCESS_KEY } }
      : {}),
  });
  const Bucket = cfg.S3_BUCKET;
  const createBucket = () =>
    client.send(
      new CreateBucketCommand({
        Bucket,
        ...(cfg.S3_REGION === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: cfg.S3_REGION as never } }),
      }),
    );

  return {
    async put(key, body, contentType) {
      const put = () =>
        client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType }));
      try {
        await put();
      } catch (err) {
        if (
          !(err instanceof NoSuchBucket || (err as { name?: string }).name === 'NoSuchBucket') ||
          !cfg.S3_CREATE_BUCKET
        )
          throw err;
        await createBucket().catch((e: { name?: string }) => {
          if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
        });
        await put();
      }
    },
    async get(key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        return Buffer.from(await res.Body!.transformToByteArray());
      } catch (err) {
        if (err instanceof NoSuchKey || err instanceof NoSuchBucket) return undefined;
        const name = (err as { name?: string }).name;
        if (name === 'NoSuchKey' || name === 'NoSuchBucket' || name === 'NotFound') return undefined;
        throw err;
      }
    },
  };
}
