import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** Object storage as the file service uses it (S3's API: real S3 on AWS, moto's server locally). */
export interface ObjectStore {
  presignPut(key: string, contentType: string, size: number, ttlSeconds: number): Promise<string>;
  presignGet(key: string, ttlSeconds: number, filename?: string): Promise<string>;
  /** Public URL of an object served to anyone (through the CDN on AWS). */
  publicUrl(key: string): string;
  head(key: string): Promise<{ size: number; contentType: string | undefined } | undefined>;
  get(key: string): Promise<Buffer>;
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  remove(keys: string[]): Promise<void>;
  /**
   * Makes sure the bucket exists. Where allowed (local runs and tests) it is created, with the
   * public prefixes readable by anyone, as CloudFront serves them on AWS.
   */
  ensureBucket(create: boolean, publicPrefixes?: string[]): Promise<void>;
  healthy(): Promise<boolean>;
}

export interface S3Options {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (moto locally); unset on AWS. Path-style addressing with it. */
  endpoint?: string | undefined;
  /** The endpoint clients reach, when it differs from ours (presigned URLs must point there). */
  publicEndpoint?: string | undefined;
  /** Public base URL of objects (the CDN's domain on AWS). */
  publicBaseUrl?: string | undefined;
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

const notFound = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e.name === 'NotFound' ||
    e.name === 'NoSuchKey' ||
    e.name === 'NoSuchBucket' ||
    e.$metadata?.httpStatusCode === 404
  );
};

export function s3Store(o: S3Options): ObjectStore {
  const config = (endpoint?: string): S3ClientConfig => ({
    region: o.region,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
  });
  const client = new S3Client(config(o.endpoint));
  const signer = o.publicEndpoint ? new S3Client(config(o.publicEndpoint)) : client;
  const base =
    o.publicBaseUrl?.replace(/\/$/, '') ??
    (o.endpoint
      ? `${(o.publicEndpoint ?? o.endpoint).replace(/\/$/, '')}/${o.bucket}`
      : `https://${o.bucket}.s3.${o.region}.amazonaws.com`);
  const Bucket = o.bucket;

  return {
    presignPut: (key, contentType, size, ttl) =>
      getSignedUrl(
        signer,
        new PutObjectCommand({ Bucket, Key: key, ContentType: contentType, ContentLength: size }),
        {
          expiresIn: ttl,
          // The client must send exactly this type and length: they are part of the signature.
          signableHeaders: new Set(['content-type', 'content-length']),
        },
      ),
    presignGet: (key, ttl, filename) =>
      getSignedUrl(
        signer,
        new GetObjectCommand({
          Bucket,
          Key: key,
          ...(filename
            ? { ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(filename)}` }
            : {}),
        }),
        { expiresIn: ttl },
      ),
    publicUrl: (key) => `${base}/${key.split('/').map(encodeURIComponent).join('/')}`,
    async head(key) {
      try {
        const h = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return { size: Number(h.ContentLength ?? 0), contentType: h.ContentType };
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
    async get(key) {
      const res = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      return Buffer.from(await res.Body!.transformToByteArray());
    },
    async put(key, body, contentType) {
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          // Variants never change under their key: cache them for a year.
          CacheControl: 'public, max-age=31536000, immutable',
        }),
      );
    },
    async remove(keys) {
      if (!keys.length) return;
      await client.send(
        new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
      );
    },
    async ensureBucket(create, publicPrefixes = []) {
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
        if (!create) return;
      } catch (err) {
        if (!notFound(err) || !create) throw err;
        try {
          await client.send(
            new CreateBucketCommand({
              Bucket,
              ...(o.region === 'us-east-1'
                ? {}
                : { CreateBucketConfiguration: { LocationConstraint: o.region as never } }),
            }),
          );
        } catch (e) {
          const name = (e as { name?: string }).name;
          if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw e;
        }
      }
      if (!publicPrefixes.length) return;
      const policy = {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'PublicImages',
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: publicPrefixes.map((p) => `arn:aws:s3:::${Bucket}/${p}/*`),
          },
        ],
      };
      await client.send(new PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify(policy) }));
    },
    async healthy() {
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
        return true;
      } catch {
        return false;
      }
    },
  };
}
