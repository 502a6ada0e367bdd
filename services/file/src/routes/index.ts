import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  notFound,
  principalOf,
  problems,
  requireRole,
  z,
} from '@mp/platform';
import type { FileContext } from '../context.ts';
import { deleteFile, fileView, findFile, ownedFile } from '../domain/files.ts';
import { purposeNames, purposes } from '../domain/purposes.ts';
import { completeUpload, requestUpload } from '../domain/upload.ts';
import { fileMetadata } from './schemas.ts';

const idParam = z.object({ id: z.string().min(1).max(64) });
const signedIn = [requireRole()];

const upload = createRoute({
  method: 'post',
  path: '/api/v1/files/uploads',
  summary: 'Start an upload: a presigned URL to PUT the bytes to, straight to object storage',
  middleware: signedIn,
  request: {
    body: jsonBody(
      z.object({
        filename: z.string().trim().min(1).max(255),
        contentType: z.string().min(1).max(100),
        size: z
          .int()
          .min(1)
          .max(1024 * 1024 * 1024),
        purpose: z.enum(purposeNames),
      }),
    ),
  },
  responses: {
    201: jsonResponse(
      z.object({
        fileId: z.string(),
        uploadUrl: z.string(),
        method: z.literal('PUT'),
        headers: z.record(z.string(), z.string()),
        expiresAt: z.string(),
      }),
      'Where and how to upload',
    ),
    ...problems(400, 401, 413, 415),
  },
});
const complete = createRoute({
  method: 'post',
  path: '/api/v1/files/{id}/complete',
  summary: 'Finish an upload: the bytes are checked and the file becomes READY',
  middleware: signedIn,
  request: { params: idParam },
  responses: { 200: jsonResponse(fileMetadata, 'The file'), ...problems(401, 404, 409, 422) },
});
const get = createRoute({
  method: 'get',
  path: '/api/v1/files/{id}',
  summary: 'A file: metadata, download URL and resized variants',
  request: { params: idParam },
  responses: { 200: jsonResponse(fileMetadata, 'The file'), ...problems(404) },
});
const remove = createRoute({
  method: 'delete',
  path: '/api/v1/files/{id}',
  summary: 'Delete a file, its variants and their CDN copies',
  middleware: signedIn,
  request: { params: idParam },
  responses: { 204: { description: 'Deleted' }, ...problems(401, 404) },
});

/** The public routes of the file service. */
export function routes(app: App, deps: FileContext): void {
  app.openapi(upload, async (c) =>
    c.json(await requestUpload(deps.parts, principalOf(c).userId, c.req.valid('json')), 201),
  );

  app.openapi(complete, async (c) => {
    const parts = deps.parts;
    const f = await completeUpload(parts, principalOf(c), c.req.valid('param').id);
    return c.json(await fileView(parts, f), 200);
  });

  // Public images (product, review) are anyone's to see once uploaded; everything else is its owner's.
  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const who = c.get('principal');
    const open = await findFile(deps.db, id);
    const f =
      open?.status === 'READY' && purposes[open.purpose]?.public
        ? open
        : who
          ? await ownedFile(deps.db, who, id)
          : undefined;
    if (!f) throw notFound('FILE_NOT_FOUND', 'No such file');
    return c.json(await fileView(deps.parts, f), 200);
  });

  app.openapi(remove, async (c) => {
    await deleteFile(deps.parts, principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
