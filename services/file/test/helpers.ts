import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import {
  serviceForFile,
  startTestService,
  TEST_APP_TOKEN,
  type TestService,
  testDatabaseUrl,
} from '@mp/platform/testing';
import sharp from 'sharp';
import type { FileContext } from '../src/context.ts';
import type { Database } from '../src/db/schema.ts';
import { publicPurposes } from '../src/domain/purposes.ts';
import { resizeWorker } from '../src/domain/resizer.ts';
import { service } from '../src/service.ts';

export type Svc = TestService<Database, unknown, FileContext>;
export const internal = { 'dapr-api-token': TEST_APP_TOKEN };

/** The file service on a throw-away schema and a throw-away bucket of the local S3 emulator. */
export async function start(): Promise<Svc> {
  const svc = (await startTestService(service, {
    env: {
      S3_ENDPOINT: process.env.MP_AWS_ENDPOINT ?? 'http://127.0.0.1:4566',
      S3_BUCKET: `test-files-${randomBytes(4).toString('hex')}`,
      S3_ACCESS_KEY_ID: 'test',
      S3_SECRET_ACCESS_KEY: 'test',
      S3_CREATE_BUCKET: 'true',
    },
  })) as Svc;
  await svc.ctx.parts.store.ensureBucket(true, publicPurposes);
  return svc;
}

export const png = (width = 640, height = 480) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();

/** Asks for an upload, PUTs the bytes to the presigned URL as a client would, answers the file id. */
export async function upload(
  svc: Svc,
  token: string,
  bytes: Buffer,
  o: { contentType?: string; purpose?: string; declaredSize?: number; filename?: string } = {},
) {
  const contentType = o.contentType ?? 'image/png';
  const res = await svc.call('POST', '/api/v1/files/uploads', {
    token,
    body: {
      filename: o.filename ?? '운동화.png',
      contentType,
      size: o.declaredSize ?? bytes.length,
      purpose: o.purpose ?? 'product-image',
    },
  });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
  const put = await fetch(res.body.uploadUrl, {
    method: 'PUT',
    headers: res.body.headers,
    body: new Uint8Array(bytes),
  });
  if (!put.ok) throw new Error(`PUT to storage answered ${put.status}: ${await put.text()}`);
  return res.body.fileId as string;
}

/** The resize worker of a test service (tests start it, or drain it, themselves). */
export const resizer = (svc: Svc) =>
  resizeWorker({
    db: svc.deps.db,
    store: svc.ctx.parts.store,
    log: svc.deps.log,
    databaseUrl: testDatabaseUrl(),
    schema: svc.schema,
    pollMs: 60_000,
  });

export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * An image bomb: a valid PNG of width × height 1-bit grey pixels, all zero, whose deflated rows
 * weigh a few kilobytes however large it claims to be.
 */
export function pngBomb(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // 1-bit greyscale, deflate, no filter, no interlace
  const rows = zlib.deflateSync(Buffer.alloc((1 + Math.ceil(width / 8)) * height), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The file service of one test file: started before its tests, closed after them. */
export function fileForFile(): Svc {
  return serviceForFile(() => start(), 'the file service');
}
