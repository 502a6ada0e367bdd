import { type Dapr, decodeCursor, keysetPage, StateConflictError, z } from '@mp/platform';

/**
 * The per-user product lists kept in Dapr state stores (DynamoDB `Wishlists` and
 * `ProductViews`): one document per user, newest first, bounded, written with ETags so that
 * concurrent changes retry instead of overwriting each other.
 */
export interface SavedItem {
  productId: string;
  at: string;
}
interface ListDoc {
  items: SavedItem[];
}

export const WISHLISTS_STORE = 'wishlists';
export const VIEWS_STORE = 'productviews';
export const wishlistKey = (userId: string) => `wishlist:${userId}`;
export const viewsKey = (userId: string) => `recent-views:${userId}`;

export async function readList(dapr: Dapr, store: string, key: string): Promise<SavedItem[]> {
  return (await dapr.getState<ListDoc>(store, key)).value?.items ?? [];
}

/** Applies `change` to the list and saves it, retrying when another write got there first. */
export async function changeList<T>(
  dapr: Dapr,
  store: string,
  key: string,
  change: (items: SavedItem[]) => { items: SavedItem[]; result: T },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const { value, etag } = await dapr.getState<ListDoc>(store, key);
    const { items, result } = change(value?.items ?? []);
    try {
      await dapr.saveState(store, key, { items }, etag ? { etag } : {});
      return result;
    } catch (err) {
      if (!(err instanceof StateConflictError) || attempt >= 4) throw err;
    }
  }
}

const position = z.object({ at: z.string(), id: z.string() });

/** A keyset page of a newest-first list: the cursor is the last item's (at, productId). */
export function pageOfList(items: SavedItem[], limit: number, cursor: string | undefined) {
  const after = decodeCursor(cursor, position);
  const sorted = [...items].sort((a, b) =>
    a.at === b.at ? (a.productId < b.productId ? 1 : -1) : a.at < b.at ? 1 : -1,
  );
  const rest = after
    ? sorted.filter((i) => i.at < after.at || (i.at === after.at && i.productId < after.id))
    : sorted;
  const { page, nextCursor } = keysetPage(rest, limit, (last) => ({ at: last.at, id: last.productId }));
  return {
    page,
    nextCursor,
  };
}
