import {
  type App,
  createRoute,
  jsonBody,
  jsonResponse,
  problems,
  requireRole,
  type ServiceDeps,
  z,
} from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { categoryTree, createCategory, deleteCategory, renameCategory } from '../domain/categories.ts';
import { idParam } from './schemas.ts';

// The tree nests itself; the OpenAPI document shows `children` as nodes of the same shape.
const node = z
  .object({
    id: z.string(),
    name: z.string(),
    parentId: z.string().nullable(),
    depth: z.int(),
    sortOrder: z.int(),
    children: z.array(z.unknown()).openapi({ description: 'subcategories, each a CategoryNode' }),
  })
  .openapi('CategoryNode');
const category = z
  .object({
    id: z.string(),
    name: z.string(),
    parentId: z.string().nullable(),
    depth: z.int(),
    sortOrder: z.int(),
  })
  .openapi('Category');
const view = (r: {
  id: string;
  name: string;
  parent_id: string | null;
  depth: number;
  sort_order: number;
}) => ({
  id: r.id,
  name: r.name,
  parentId: r.parent_id,
  depth: r.depth,
  sortOrder: r.sort_order,
});
const name = z.string().trim().min(1).max(50);
const sortOrder = z.int().min(-1000).max(1000);

const tree = createRoute({
  method: 'get',
  path: '/api/v1/categories',
  summary: 'The category tree (카테고리)',
  responses: { 200: jsonResponse(z.object({ items: z.array(node) }), 'Root categories with their children') },
});
const create = createRoute({
  method: 'post',
  path: '/api/v1/categories',
  summary: 'Add a category (admin)',
  middleware: [requireRole('admin')],
  request: {
    body: jsonBody(
      z.object({ name, parentId: z.string().max(64).optional(), sortOrder: sortOrder.optional() }),
    ),
  },
  responses: { 201: jsonResponse(category, 'The category'), ...problems(400, 401, 403, 409, 422) },
});
const rename = createRoute({
  method: 'patch',
  path: '/api/v1/categories/{id}',
  summary: 'Rename or reorder a category (admin)',
  middleware: [requireRole('admin')],
  request: {
    params: idParam,
    body: jsonBody(z.object({ name: name.optional(), sortOrder: sortOrder.optional() })),
  },
  responses: { 200: jsonResponse(category, 'The category'), ...problems(400, 401, 403, 404, 409) },
});
const remove = createRoute({
  method: 'delete',
  path: '/api/v1/categories/{id}',
  summary: 'Remove an empty category (admin)',
  middleware: [requireRole('admin')],
  request: { params: idParam },
  responses: { 204: { description: 'Removed' }, ...problems(401, 403, 404, 409) },
});

export function categoryRoutes(app: App, { db }: ServiceDeps<Database>) {
  app.openapi(tree, async (c) => c.json({ items: (await categoryTree(db)) as z.infer<typeof node>[] }, 200));
  app.openapi(create, async (c) => c.json(view(await createCategory(db, c.req.valid('json'))), 201));
  app.openapi(rename, async (c) =>
    c.json(view(await renameCategory(db, c.req.valid('param').id, c.req.valid('json'))), 200),
  );
  app.openapi(remove, async (c) => {
    await deleteCategory(db, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
