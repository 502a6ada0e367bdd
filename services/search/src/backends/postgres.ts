import { type Kysely, sql, type Transaction } from '@mp/platform';
import type { Database } from '../db/schema.ts';
import { bigrams, compact, terms } from '../domain/text.ts';
import { makeCursor, readCursor } from './cursor.ts';
import type { ProductDoc, SearchHit, SearchIndex, SearchQuery, SearchSort, StockStatus } from './port.ts';

const statusOf = (stock: number): StockStatus => (stock > 0 ? 'IN_STOCK' : 'OUT_OF_STOCK');

/** What a query matches in: the compact name, then the compact brand. */
export const searchText = (name: string, brand: string | null) => `${compact(name)}|${compact(brand ?? '')}`;

/** The indexed row of a product: its text compacted for matching inside words and across spacing. */
export function documentRow(d: ProductDoc) {
  const text = searchText(d.name, d.brand);
  return {
    product_id: d.productId,
    seller_id: d.sellerId,
    name: d.name,
    brand: d.brand,
    category_id: d.categoryId,
    category_path: d.categoryPath,
    price: d.price,
    status: d.status,
    thumbnail_url: d.thumbnailUrl,
    stock: d.stock ?? 0,
    stock_status: d.stockStatus ?? statusOf(d.stock ?? 0),
    popularity: d.popularity,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    name_c: compact(d.name),
    search_text: text,
    bigrams: bigrams(text),
    version: d.version,
    stock_version: d.stock === undefined ? 0 : d.version,
  };
}

/**
 * A term must appear inside the document's compact text. Three characters or more: the pg_trgm
 * GIN index finds the candidates; two characters: the bigram array's GIN index; one: a scan of
 * what the other terms and filters left.
 */
function termMatch(t: string) {
  const chars = [...t].length;
  if (chars === 2) return sql<boolean>`d.bigrams @> array[${t}]::text[]`;
  return sql<boolean>`d.search_text like ${`%${t}%`}`;
}

/**
 * Relevance as an integer (so a cursor holds it exactly): the whole query as the name, at its
 * start or inside it; each term found in the name; shorter (more specific) names before longer
 * ones; and a little popularity. Only cheap integer work per matching row: a broad query
 * (`운동화` matches thousands) ranks all its matches to find the first page.
 */
function relevance(qc: string, ts: string[]) {
  const inName = ts.length
    ? sql.join(
        ts.map((t) => sql`(case when strpos(d.name_c, ${t}) > 0 then 50 else 0 end)`),
        sql` + `,
      )
    : sql`0`;
  return sql<number>`(
    (case when d.name_c = ${qc} then 1000 else 0 end)
    + (case when starts_with(d.name_c, ${qc}) then 400 else 0 end)
    + (case when strpos(d.name_c, ${qc}) > 0 then 300 else 0 end)
    + ${inName}
    - least(char_length(d.name_c), 100)
    + least(round(ln(1 + d.popularity) * 20)::int, 199)
  )::int`;
}

const orders: Record<Exclude<SearchSort, 'relevance'>, { key: string; dir: 'asc' | 'desc'; cast: string }> = {
  popular: { key: 'popularity', dir: 'desc', cast: 'int' },
  price_asc: { key: 'price', dir: 'asc', cast: 'int' },
  price_desc: { key: 'price', dir: 'desc', cast: 'int' },
  latest: { key: 'created_at', dir: 'desc', cast: 'timestamptz' },
};

/** The PostgreSQL backend: the local default, and fast at 100,000 products (services/search/bench/search.bench.ts). */
export function postgresIndex(db: Kysely<Database>): SearchIndex {
  return {
    name: 'postgres',

    async applyContent(d: ProductDoc, trx: Transaction<Database>) {
      const r = documentRow(d);
      await sql`
        insert into search_documents as s (product_id, seller_id, name, brand, category_id, category_path, price, status,
          thumbnail_url, stock, stock_status, popularity, created_at, updated_at, name_c, search_text, bigrams, version, stock_version)
        values (${r.product_id}, ${r.seller_id}, ${r.name}, ${r.brand}, ${r.category_id}, ${r.category_path}::text[], ${r.price},
          ${r.status}, ${r.thumbnail_url}, ${r.stock}, ${r.stock_status}, ${r.popularity},
          ${r.created_at}::timestamptz, ${r.updated_at}::timestamptz, ${r.name_c}, ${r.search_text}, ${r.bigrams}::text[],
          ${r.version}, ${r.stock_version})
        on conflict (product_id) do update set
          seller_id = excluded.seller_id, name = excluded.name, brand = excluded.brand, category_id = excluded.category_id,
          category_path = excluded.category_path, price = excluded.price, status = excluded.status,
          thumbnail_url = excluded.thumbnail_url, popularity = excluded.popularity, created_at = excluded.created_at,
          updated_at = excluded.updated_at, name_c = excluded.name_c, search_text = excluded.search_text,
          bigrams = excluded.bigrams, version = excluded.version,
          stock = case when excluded.stock_version > s.stock_version then excluded.stock else s.stock end,
          stock_status = case when excluded.stock_version > s.stock_version then excluded.stock_status else s.stock_status end,
          stock_version = greatest(s.stock_version, excluded.stock_version)
        where s.version < excluded.version`.execute(trx);
    },

    async applyStock(s, trx) {
      await sql`
        insert into search_documents as d (product_id, stock, stock_status, stock_version)
        values (${s.productId}, ${s.stock}, ${s.stockStatus ?? statusOf(s.stock)}, ${s.version ?? 1})
        on conflict (product_id) do update set
          stock = excluded.stock, stock_status = excluded.stock_status,
          stock_version = ${s.version === undefined ? sql`d.stock_version + 1` : sql`excluded.stock_version`}
        where ${s.version === undefined ? sql`true` : sql`d.stock_version < excluded.stock_version`}`.execute(
        trx,
      );
    },

    async applyDeleted(productId, version, trx) {
      await sql`
        insert into search_documents as d (product_id, deleted, version) values (${productId}, true, ${version})
        on conflict (product_id) do update set deleted = true, version = excluded.version
        where d.version < excluded.version`.execute(trx);
    },

    async search(q: SearchQuery) {
      const ts = terms(q.q).map(compact).filter(Boolean);
      const qc = compact(q.q);
      const sort: SearchSort = q.sort === 'relevance' && !qc ? 'latest' : q.sort;
      const after = readCursor(q.cursor, q.sort);
      const where = [sql`d.visible`, ...ts.map(termMatch)];
      if (q.categoryId) where.push(sql`d.category_path @> array[${q.categoryId}]::text[]`);
      if (q.minPrice !== undefined) where.push(sql`d.price >= ${q.minPrice}`);
      if (q.maxPrice !== undefined) where.push(sql`d.price <= ${q.maxPrice}`);
      if (q.brand) where.push(sql`lower(d.brand) = ${q.brand.toLowerCase()}`);
      const score = qc ? relevance(qc, ts) : sql<number>`0`;

      let keyExpr: ReturnType<typeof sql>;
      let dir: 'asc' | 'desc';
      let cast = 'int';
      if (sort === 'relevance') {
        keyExpr = sql`h.score`;
        dir = 'desc';
      } else {
        const o = orders[sort];
        keyExpr = sql.ref(`h.${o.key}`);
        dir = o.dir;
        cast = o.cast;
      }
      const keyset = after
        ? sql`where (${keyExpr}, h.product_id) ${dir === 'desc' ? sql`<` : sql`>`} (${after.k}::${sql.raw(cast)}, ${after.id}::text)`
        : sql``;
      const { rows } = await sql<SearchHit & { product_id: string; created_at: Date }>`
        select * from (
          select d.product_id, d.seller_id, d.name, d.brand, d.price, d.category_id, d.thumbnail_url, d.stock,
            d.stock_status, d.popularity, d.created_at, ${score} as score
          from search_documents d where ${sql.join(where, sql` and `)}
        ) h ${keyset}
        order by ${keyExpr} ${sql.raw(dir)}, h.product_id ${sql.raw(dir)}
        limit ${q.limit + 1}`.execute(db);
      const page = rows.slice(0, q.limit);
      const items: SearchHit[] = page.map((r) => {
        const row = r as unknown as Record<string, unknown>;
        return {
          productId: String(row.product_id),
          sellerId: String(row.seller_id),
          name: String(row.name),
          brand: (row.brand as string | null) ?? null,
          price: Number(row.price),
          categoryId: String(row.category_id),
          thumbnailUrl: (row.thumbnail_url as string | null) ?? null,
          stock: Number(row.stock),
          stockStatus: row.stock_status as StockStatus,
          popularity: Number(row.popularity),
          createdAt: (row.created_at as Date).toISOString(),
          score: Number(row.score),
        };
      });
      const last = items.at(-1);
      const keyOf = (h: SearchHit) =>
        sort === 'relevance'
          ? h.score
          : sort === 'latest'
            ? h.createdAt
            : sort === 'popular'
              ? h.popularity
              : h.price;
      return {
        items,
        nextCursor: rows.length > q.limit && last ? makeCursor(q.sort, keyOf(last), last.productId) : null,
      };
    },

    async healthy() {
      return sql`select 1`
        .execute(db)
        .then(() => true)
        .catch(() => false);
    },
  };
}
