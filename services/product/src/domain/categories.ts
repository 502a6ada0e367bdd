import { conflict, isId, type Kysely, newId, notFound, type Transaction, unprocessable } from '@mp/platform';
import type { Database } from '../db/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface CategoryNode {
  id: string;
  name: string;
  parentId: string | null;
  depth: number;
  sortOrder: number;
  children: CategoryNode[];
}

/** The whole tree, roots first, siblings by sort order then name. */
export async function categoryTree(db: Db): Promise<CategoryNode[]> {
  const rows = await db
    .selectFrom('categories')
    .selectAll()
    .orderBy('depth')
    .orderBy('sort_order')
    .orderBy('name')
    .execute();
  const byId = new Map<string, CategoryNode>();
  const roots: CategoryNode[] = [];
  for (const r of rows) {
    const node: CategoryNode = {
      id: r.id,
      name: r.name,
      parentId: r.parent_id,
      depth: r.depth,
      sortOrder: r.sort_order,
      children: [],
    };
    byId.set(r.id, node);
    if (r.parent_id) byId.get(r.parent_id)?.children.push(node);
    else roots.push(node);
  }
  return roots;
}

export async function createCategory(db: Db, input: { name: string; parentId?: string; sortOrder?: number }) {
  let parent: { path: string; depth: number } | undefined;
  if (input.parentId) {
    parent = isId(input.parentId)
      ? await db
          .selectFrom('categories')
          .select(['path', 'depth'])
          .where('id', '=', input.parentId)
          .executeTakeFirst()
      : undefined;
    if (!parent)
      throw unprocessable('CATEGORY_NOT_FOUND', 'No such parent category', {
        errors: [{ path: 'parentId', message: 'no such category' }],
      });
    if (parent.depth >= 4) throw unprocessable('CATEGORY_TOO_DEEP', 'Categories nest at most five levels');
  }
  const id = newId();
  try {
    return await db
      .insertInto('categories')
      .values({
        id,
        parent_id: input.parentId ?? null,
        name: input.name,
        path: `${parent?.path ?? '/'}${id}/`,
        depth: (parent?.depth ?? -1) + 1,
        sort_order: input.sortOrder ?? 0,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      throw conflict('CATEGORY_EXISTS', 'A sibling category has this name', {
        errors: [{ path: 'name', message: 'taken under this parent' }],
      });
    throw err;
  }
}

/** A category (by id) with its ancestry, root first; undefined when unknown. */
export async function findCategory(db: Db, id: string) {
  if (!isId(id)) return undefined;
  const c = await db.selectFrom('categories').selectAll().where('id', '=', id).executeTakeFirst();
  if (!c) return undefined;
  return { ...c, ancestry: pathIds(c.path) };
}

export const pathIds = (path: string) => path.split('/').filter(Boolean);

/** Names of the categories on a path, root first. */
export async function namedPath(db: Db, path: string) {
  const ids = pathIds(path);
  if (!ids.length) return [];
  const rows = await db.selectFrom('categories').select(['id', 'name']).where('id', 'in', ids).execute();
  const names = new Map(rows.map((r) => [r.id, r.name]));
  return ids.map((id) => ({ id, name: names.get(id) ?? '' }));
}

export async function renameCategory(db: Db, id: string, change: { name?: string; sortOrder?: number }) {
  if (!isId(id)) throw notFound('CATEGORY_NOT_FOUND', 'No such category');
  try {
    const row = await db
      .updateTable('categories')
      .set({
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.sortOrder !== undefined ? { sort_order: change.sortOrder } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('CATEGORY_NOT_FOUND', 'No such category');
    return row;
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      throw conflict('CATEGORY_EXISTS', 'A sibling category has this name', {
        errors: [{ path: 'name', message: 'taken under this parent' }],
      });
    throw err;
  }
}

/** Only an empty leaf may go: no subcategories and no products that are not deleted. */
export async function deleteCategory(db: Kysely<Database>, id: string) {
  if (!isId(id)) throw notFound('CATEGORY_NOT_FOUND', 'No such category');
  await db.transaction().execute(async (trx) => {
    const c = await trx
      .selectFrom('categories')
      .select('id')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!c) throw notFound('CATEGORY_NOT_FOUND', 'No such category');
    const child = await trx
      .selectFrom('categories')
      .select('id')
      .where('parent_id', '=', id)
      .executeTakeFirst();
    if (child) throw conflict('CATEGORY_NOT_EMPTY', 'This category has subcategories');
    const product = await trx
      .selectFrom('products')
      .select('id')
      .where('category_id', '=', id)
      .where('status', '!=', 'DELETED')
      .executeTakeFirst();
    if (product) throw conflict('CATEGORY_NOT_EMPTY', 'Products are listed in this category');
    // Deleted products keep their rows; they move to nowhere (the FK needs a category).
    const deleted = await trx
      .selectFrom('products')
      .select('id')
      .where('category_id', '=', id)
      .executeTakeFirst();
    if (deleted) throw conflict('CATEGORY_NOT_EMPTY', 'Deleted products still refer to this category');
    await trx.deleteFrom('categories').where('id', '=', id).execute();
  });
}
