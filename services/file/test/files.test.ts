import { newId } from '@mp/platform';
import { tokenFor } from '@mp/platform/testing';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, fileForFile, internal, png, pngBomb, resizer, upload } from './helpers.ts';

const owner = newId();
let token: string;
const svc = fileForFile();
beforeAll(async () => {
  token = await tokenFor(owner, 'seller');
});

const complete = (id: string, t = token) => svc.call('POST', `/api/v1/files/${id}/complete`, { token: t });

describe('upload by presigned URL', () => {
  it('takes the bytes straight to object storage, then checks them and makes the file READY', async () => {
    const bytes = await png();
    const id = await upload(svc, token, bytes);
    const pending = await svc.call('GET', `/api/v1/files/${id}`, { token });
    expect(pending.body.status).toBe('PENDING');
    const res = await complete(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      fileId: id,
      ownerId: owner,
      status: 'READY',
      contentType: 'image/png',
      size: bytes.length,
      purpose: 'product-image',
      filename: '운동화.png',
      width: 640,
      height: 480,
      variants: {},
    });
    // The public URL serves the very bytes.
    const served = await fetch(res.body.url);
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    const [event] = (await svc.outbox('file.uploaded')).filter((e) => e.data.fileId === id);
    expect(event?.data).toMatchObject({
      ownerId: owner,
      purpose: 'product-image',
      size: bytes.length,
      url: res.body.url,
    });
    expect((await complete(id)).body.status).toBe('READY');
    expect((await svc.outbox('file.uploaded')).filter((e) => e.data.fileId === id)).toHaveLength(1);
  });

  it('resizes a completed image into its variants: the worker wakes on the completion', async () => {
    const worker = resizer(svc);
    await worker.start();
    try {
      const id = await upload(svc, token, await png(1200, 900));
      await complete(id);
      const res = await eventually(async () => {
        const r = await svc.call('GET', `/api/v1/files/${id}`);
        return Object.keys(r.body.variants).length ? r : undefined;
      });
      expect(Object.keys(res.body.variants).sort()).toEqual(['medium', 'thumbnail']);
      const thumb = await sharp(
        Buffer.from(await (await fetch(res.body.variants.thumbnail)).arrayBuffer()),
      ).metadata();
      expect(thumb).toMatchObject({ format: 'webp', width: 240, height: 240 });
      const medium = await sharp(
        Buffer.from(await (await fetch(res.body.variants.medium)).arrayBuffer()),
      ).metadata();
      expect(medium).toMatchObject({ width: 800, height: 600 });
      // `GET /internal/files/{id}` (file metadata for other services), through Dapr.
      const viaDapr = await svc.call('GET', `/internal/files/${id}`, { headers: internal });
      expect(viaDapr.body).toMatchObject({
        fileId: id,
        ownerId: owner,
        status: 'READY',
        variants: res.body.variants,
      });
    } finally {
      await worker.stop();
    }
  });

  it('tries a failed resize again later, and makes no variants of documents', async () => {
    const id = await upload(svc, token, await png(50, 50));
    await complete(id);
    const store = svc.ctx.parts.store;
    // The original vanished before the worker came: the attempt fails and is put off.
    const original = await store.get(`product-image/${id}/original.png`);
    await store.remove([`product-image/${id}/original.png`]);
    expect(await resizer(svc).drain()).toBe(1);
    const failed = await svc.deps.db
      .selectFrom('files')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(failed).toMatchObject({ variants_pending: true, variant_attempts: 1 });
    expect(failed.variant_error).toBeTruthy();
    expect(failed.variant_due_at!.getTime()).toBeGreaterThan(Date.now());
    await store.put(`product-image/${id}/original.png`, original, 'image/png');
    await svc.deps.db.updateTable('files').set({ variant_due_at: new Date() }).where('id', '=', id).execute();
    expect(await resizer(svc).drain()).toBe(1);
    expect((await svc.call('GET', `/api/v1/files/${id}`)).body.variants).toHaveProperty('thumbnail');
    const pdf = await upload(svc, token, Buffer.from('%PDF-1.4\n'), {
      contentType: 'application/pdf',
      purpose: 'document',
    });
    await complete(pdf);
    expect(await resizer(svc).drain()).toBe(0);
  });

  it('refuses an image bomb when the upload completes (422 naming the pixel limit), and removes it', async () => {
    // 256 MP: under sharp's own default limit (268 MP), far over ours.
    const bomb = pngBomb(16_000, 16_000);
    expect(bomb.length).toBeLessThan(100_000);
    const id = await upload(svc, token, bomb);
    const res = await complete(id);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      code: 'IMAGE_TOO_LARGE',
      errors: [{ path: 'file', message: expect.stringContaining('at most 40000000 pixels') }],
    });
    expect(await svc.ctx.parts.store.head(`product-image/${id}/original.png`)).toBeFalsy();
    expect((await svc.call('GET', `/api/v1/files/${id}`, { token })).body.status).toBe('PENDING');
  });

  it('gives up at once on an image too large to decode (no retries), leaving the original', async () => {
    const id = await upload(svc, token, await png(50, 50));
    await complete(id);
    // An image that got in before the limit: its original is a bomb.
    await svc.ctx.parts.store.put(`product-image/${id}/original.png`, pngBomb(16_000, 16_000), 'image/png');
    expect(await resizer(svc).drain()).toBe(1);
    const row = await svc.deps.db
      .selectFrom('files')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'READY',
      variants_pending: false,
      variant_attempts: 1,
      variants: {},
    });
    expect(row.variant_error).toContain('limit of 40000000 pixels');
  });

  it('refuses an oversize file and a type its purpose does not take, naming the field', async () => {
    const big = await svc.call('POST', '/api/v1/files/uploads', {
      token,
      body: {
        filename: 'a.png',
        contentType: 'image/png',
        size: 10 * 1024 * 1024 + 1,
        purpose: 'product-image',
      },
    });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 'FILE_TOO_LARGE', errors: [{ path: 'size' }] });
    const exe = await svc.call('POST', '/api/v1/files/uploads', {
      token,
      body: {
        filename: 'a.exe',
        contentType: 'application/x-msdownload',
        size: 10,
        purpose: 'product-image',
      },
    });
    expect(exe.status).toBe(415);
    expect(exe.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', errors: [{ path: 'contentType' }] });
    const bad = await svc.call('POST', '/api/v1/files/uploads', {
      token,
      body: { filename: '', contentType: 'image/png', size: 0, purpose: 'avatar' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'filename',
      'purpose',
      'size',
    ]);
    expect((await svc.call('POST', '/api/v1/files/uploads', { body: {} })).status).toBe(401);
  });

  it('refuses bytes that are not what was declared, removes them, and lets the upload be tried again', async () => {
    const text = Buffer.from('this is not a png, just text pretending to be one');
    const id = await upload(svc, token, text, { contentType: 'image/png' });
    const res = await complete(id);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'FILE_TYPE_MISMATCH', errors: [{ path: 'contentType' }] });
    expect(await svc.ctx.parts.store.head(`product-image/${id}/original.png`)).toBeUndefined();
    expect((await svc.call('GET', `/api/v1/files/${id}`, { token })).body.status).toBe('PENDING');

    const jpeg = await sharp(await png(10, 10))
      .jpeg()
      .toBuffer();
    const disguised = await upload(svc, token, jpeg, { contentType: 'image/png' });
    expect((await complete(disguised)).body.code).toBe('FILE_TYPE_MISMATCH');
  });

  it('refuses a size other than the declared one, and a completion before any upload', async () => {
    const bytes = await png(20, 20);
    const id = await upload(svc, token, bytes, { declaredSize: bytes.length + 10 });
    const res = await complete(id);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'FILE_SIZE_MISMATCH', errors: [{ path: 'size' }] });
    const early = await svc.call('POST', '/api/v1/files/uploads', {
      token,
      body: { filename: 'x.png', contentType: 'image/png', size: 100, purpose: 'product-image' },
    });
    expect((await complete(early.body.fileId)).body.code).toBe('UPLOAD_MISSING');
  });
});

describe('who may see and change a file', () => {
  it("keeps another user's files out of reach (404), and private documents behind signed URLs", async () => {
    const other = await tokenFor(newId(), 'buyer');
    const pdf = Buffer.from('%PDF-1.4\n% 정산서\n');
    const doc = await upload(svc, token, pdf, {
      contentType: 'application/pdf',
      purpose: 'document',
      filename: '정산서.pdf',
    });
    expect((await complete(doc, other)).status).toBe(404);
    expect((await complete(doc)).status).toBe(200);
    expect((await svc.call('GET', `/api/v1/files/${doc}`)).status).toBe(404);
    expect((await svc.call('GET', `/api/v1/files/${doc}`, { token: other })).status).toBe(404);
    expect((await svc.call('DELETE', `/api/v1/files/${doc}`, { token: other })).status).toBe(404);
    const mine = await svc.call('GET', `/api/v1/files/${doc}`, { token });
    expect(mine.body.url).toContain('X-Amz-Signature=');
    const served = await fetch(mine.body.url);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(pdf)).toBe(true);
    const admin = await svc.call('GET', `/api/v1/files/${doc}`, { token: await tokenFor(newId(), 'admin') });
    expect(admin.status).toBe(200);
  });

  it('deletes the bytes and variants, invalidates the CDN, and announces file.deleted', async () => {
    const parts = svc.ctx.parts;
    const invalidated: string[][] = [];
    const cdn = parts.cdn;
    parts.cdn = { invalidate: async (keys) => void invalidated.push(keys) };
    try {
      const id = await upload(svc, token, await png(300, 300));
      await complete(id);
      await resizer(svc).drain();
      const before = (await svc.call('GET', `/api/v1/files/${id}`)).body;
      expect((await svc.call('DELETE', `/api/v1/files/${id}`, { token })).status).toBe(204);
      expect((await fetch(before.url)).status).toBe(404);
      expect((await fetch(before.variants.thumbnail)).status).toBe(404);
      expect(invalidated.map((keys) => [...keys].sort())).toEqual([
        [
          `product-image/${id}/medium.webp`,
          `product-image/${id}/original.png`,
          `product-image/${id}/thumbnail.webp`,
        ],
      ]);
      expect((await svc.outbox('file.deleted')).filter((e) => e.data.fileId === id)).toHaveLength(1);
      expect((await svc.call('GET', `/api/v1/files/${id}`)).status).toBe(404);
      expect((await svc.call('GET', `/internal/files/${id}`, { headers: internal })).body.status).toBe(
        'DELETED',
      );
      expect((await svc.call('DELETE', `/api/v1/files/${id}`, { token })).status).toBe(404);
    } finally {
      parts.cdn = cdn;
    }
  });

  it('answers `GET /internal/files/{id}` (metadata for other services) only through Dapr, and 404 for an unknown file', async () => {
    expect((await svc.call('GET', `/internal/files/${newId()}`, { headers: internal })).body.code).toBe(
      'FILE_NOT_FOUND',
    );
    expect((await svc.call('GET', `/internal/files/${newId()}`)).status).toBe(403);
  });
});
