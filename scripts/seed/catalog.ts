/** The category tree, product photos through the file service's upload flow, and approved products. */
import { all, eventually, must, pool } from './api.ts';
import { categoryTree, colourOf, leaves, leavesOf, perLeaf, productPlan } from './data.ts';
import { png } from './image.ts';
import type { Party } from './people.ts';

interface Node {
  id: string;
  name: string;
  children: Node[];
}

/** Creates the roots and leaves the tree lacks; returns the leaf ids in `leaves` order. */
export async function categories(admin: string) {
  let created = 0;
  const tree = async () => (await must<{ items: Node[] }>('GET', '/api/v1/categories')).items;
  let roots = await tree();
  const ids: string[] = [];
  for (const [r, root] of categoryTree.entries()) {
    let node = roots.find((n) => n.name === root.name);
    if (!node) {
      const made = await must(
        'POST',
        '/api/v1/categories',
        { token: admin, body: { name: root.name, sortOrder: r } },
        [201],
      );
      node = { id: made.id, name: root.name, children: [] };
      created++;
    }
    for (const [l, leaf] of root.leaves.entries()) {
      let child = node.children.find((n) => n.name === leaf.name);
      if (!child) {
        const made = await must(
          'POST',
          '/api/v1/categories',
          { token: admin, body: { name: leaf.name, parentId: node.id, sortOrder: l } },
          [201],
        );
        child = { id: made.id, name: leaf.name, children: [] };
        created++;
      }
      ids.push(child.id);
    }
    roots = created ? await tree() : roots;
  }
  return { leafIds: ids, created };
}

/** A product photo uploaded the way a client does: ask, PUT to storage, complete; then its thumbnail. */
async function photo(seller: Party, leaf: number) {
  const bytes = png(colourOf(leaf));
  const start = await must(
    'POST',
    '/api/v1/files/uploads',
    {
      token: seller.token,
      body: {
        filename: `${leaves[leaf]!.name}.png`,
        contentType: 'image/png',
        size: bytes.length,
        purpose: 'product-image',
      },
    },
    [201],
  );
  const put = await fetch(start.uploadUrl, {
    method: start.method,
    headers: start.headers,
    body: new Uint8Array(bytes),
  });
  if (!put.ok) throw new Error(`upload of a photo: ${put.status} ${await put.text()}`);
  await must('POST', `/api/v1/files/${start.fileId}/complete`, { token: seller.token });
  return start.fileId as string;
}

async function thumbnailOf(seller: Party, fileId: string) {
  await eventually(
    async () => (await must('GET', `/api/v1/files/${fileId}`, { token: seller.token })).variants?.thumbnail,
    `the thumbnail of ${fileId}`,
  );
}

export interface Listed {
  productId: string;
  name: string;
  skus: string[];
  seller: number;
  leaf: number;
}

/** Every seller's planned products, created where missing (with a photo per leaf) and approved. */
export async function products(admin: string, sellers: Party[], leafIds: string[]) {
  let created = 0;
  let approved = 0;
  let photos = 0;
  const listed: Listed[] = [];
  for (const [s, seller] of sellers.entries()) {
    const mine = await all<{ id: string; name: string; status: string }>(
      '/api/v1/products/mine',
      seller.token,
    );
    const byName = new Map(mine.map((p) => [p.name, p]));
    const todo: { leaf: number; n: number }[] = [];
    for (const leaf of leavesOf(s))
      for (let n = 0; n < perLeaf; n++) {
        const plan = productPlan(s, leaf, n);
        const found = byName.get(plan.name);
        if (found)
          listed.push({
            productId: found.id,
            name: plan.name,
            skus: plan.options.map((o) => o.sku),
            seller: s,
            leaf,
          });
        else todo.push({ leaf, n });
      }
    const photoOf = new Map<number, string>();
    await pool([...new Set(todo.map((t) => t.leaf))], 4, async (leaf) => {
      photoOf.set(leaf, await photo(seller, leaf));
      photos++;
    });
    await pool([...photoOf.values()], 4, (id) => thumbnailOf(seller, id));
    const made = await pool(todo, 6, async ({ leaf, n }) => {
      const plan = productPlan(s, leaf, n);
      const p = await must(
        'POST',
        '/api/v1/products',
        {
          token: seller.token,
          body: {
            name: plan.name,
            description: plan.description,
            price: plan.price,
            categoryId: leafIds[leaf],
            options: plan.options,
            imageFileIds: [photoOf.get(leaf)!],
          },
        },
        [201],
      );
      created++;
      listed.push({
        productId: p.id,
        name: plan.name,
        skus: plan.options.map((o) => o.sku),
        seller: s,
        leaf,
      });
      return { id: p.id as string, status: p.status as string };
    });
    const pending = [...mine, ...made].filter((p) => p.status === 'PENDING_REVIEW');
    await pool(pending, 6, async (p) => {
      await must('PATCH', `/api/v1/admin/products/${p.id}/approve`, { token: admin });
      approved++;
    });
  }
  return { listed, created, approved, photos };
}
