import { type App, createRoute, jsonResponse, notFound, problems, z } from '@mp/platform';
import type { FileContext } from '../context.ts';
import { fileView, findFile } from '../domain/files.ts';
import { fileMetadata } from './schemas.ts';

const get = createRoute({
  method: 'get',
  path: '/internal/files/{fileId}',
  summary: "A file's metadata and download URLs (product and review call this through Dapr)",
  request: { params: z.object({ fileId: z.string().min(1).max(64) }) },
  responses: { 200: jsonResponse(fileMetadata, 'The file'), ...problems(404) },
});

/** `GET /internal/files/{id}`: file metadata for other services. */
export function internalRoutes(app: App, deps: FileContext) {
  app.openapi(get, async (c) => {
    const f = await findFile(deps.db, c.req.valid('param').fileId);
    if (!f) throw notFound('FILE_NOT_FOUND', 'No such file');
    return c.json(await fileView(deps.parts, f), 200);
  });
}
