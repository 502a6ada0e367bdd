import { compact, terms } from '../domain/text.ts';
import type { Position } from './cursor.ts';
import type { ProductDoc, SearchQuery, SearchSort, StockStatus } from './port.ts';

/**
 * The OpenSearch index (production): Korean text through the nori analyzer for relevance, and
 * 2–3 character grams of the space-less text so that a query matches inside words and across
 * spacing variants (`운동화` finds `에어운동화`, `에어 운동화` finds `에어운동화`).
 */
export const analysisSettings = {
  index: { max_ngram_diff: 1 },
  analysis: {
    char_filter: { no_spaces: { type: 'pattern_replace', pattern: '\\s+', replacement: '' } },
    tokenizer: {
      nori_mixed: { type: 'nori_tokenizer', decompound_mode: 'mixed' },
      grams: { type: 'ngram', min_gram: 2, max_gram: 3, token_chars: ['letter', 'digit'] },
    },
    analyzer: {
      korean: {
        type: 'custom',
        tokenizer: 'nori_mixed',
        filter: ['lowercase', 'nori_readingform', 'nori_part_of_speech'],
      },
      compact_grams: {
        type: 'custom',
        char_filter: ['no_spaces'],
        tokenizer: 'grams',
        filter: ['lowercase'],
      },
    },
    normalizer: { folded: { type: 'custom', filter: ['lowercase'] } },
  },
} as const;

/** The products index: names and brands analysed both ways, keyword filters, versions. */
export const indexDefinition = {
  settings: analysisSettings,
  mappings: {
    dynamic: 'strict',
    properties: {
      productId: { type: 'keyword' },
      sellerId: { type: 'keyword' },
      name: {
        type: 'text',
        analyzer: 'korean',
        fields: {
          grams: { type: 'text', analyzer: 'compact_grams' },
          keyword: { type: 'keyword', normalizer: 'folded' },
        },
      },
      description: { type: 'text', analyzer: 'korean' },
      brand: {
        type: 'text',
        analyzer: 'korean',
        fields: {
          grams: { type: 'text', analyzer: 'compact_grams' },
          keyword: { type: 'keyword', normalizer: 'folded' },
        },
      },
      categoryId: { type: 'keyword' },
      categoryPath: { type: 'keyword' },
      price: { type: 'integer' },
      status: { type: 'keyword' },
      deleted: { type: 'boolean' },
      thumbnailUrl: { type: 'keyword', index: false },
      stock: { type: 'integer' },
      stockStatus: { type: 'keyword' },
      popularity: { type: 'integer' },
      createdAt: { type: 'date' },
      updatedAt: { type: 'date' },
      version: { type: 'integer' },
      stockVersion: { type: 'integer' },
    },
  },
} as const;

// Painless: every write compares versions, so news older than the document changes nothing.
export const CONTENT_SCRIPT = `
def d = params.doc;
if (ctx._source.version != null && ctx._source.version >= d.version) { ctx.op = 'none'; return; }
boolean deleted = ctx._source.deleted == true;
for (def e : d.entrySet()) { if (e.getKey() != 'stock' && e.getKey() != 'stockStatus') { ctx._source[e.getKey()] = e.getValue(); } }
ctx._source.deleted = deleted;
if (d.stock != null && (ctx._source.stockVersion == null || ctx._source.stockVersion < d.version)) {
  ctx._source.stock = d.stock; ctx._source.stockStatus = d.stockStatus; ctx._source.stockVersion = d.version;
}`.trim();

export const STOCK_SCRIPT = `
if (ctx._source.stockVersion != null && ctx._source.stockVersion >= params.version) { ctx.op = 'none'; return; }
ctx._source.stock = params.stock; ctx._source.stockStatus = params.stockStatus; ctx._source.stockVersion = params.version;`.trim();

export const DELETE_SCRIPT = `
if (ctx._source.version != null && ctx._source.version >= params.version) { ctx.op = 'none'; return; }
ctx._source.deleted = true; ctx._source.version = params.version;`.trim();

const statusOf = (stock: number): StockStatus => (stock > 0 ? 'IN_STOCK' : 'OUT_OF_STOCK');

export function contentUpdate(index: string, d: ProductDoc) {
  const doc = {
    productId: d.productId,
    sellerId: d.sellerId,
    name: d.name,
    description: d.description,
    brand: d.brand,
    categoryId: d.categoryId,
    categoryPath: d.categoryPath,
    price: d.price,
    status: d.status,
    thumbnailUrl: d.thumbnailUrl,
    popularity: d.popularity,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    version: d.version,
    stock: d.stock ?? null,
    stockStatus: d.stock === undefined ? null : (d.stockStatus ?? statusOf(d.stock)),
  };
  return {
    index,
    id: d.productId,
    retry_on_conflict: 5,
    body: {
      scripted_upsert: true,
      script: { lang: 'painless', source: CONTENT_SCRIPT, params: { doc } },
      upsert: {},
    },
  };
}

export function stockUpdate(
  index: string,
  s: { productId: string; stock: number; stockStatus: StockStatus | undefined; version: number },
) {
  return {
    index,
    id: s.productId,
    retry_on_conflict: 5,
    body: {
      scripted_upsert: true,
      script: {
        lang: 'painless',
        source: STOCK_SCRIPT,
        params: { stock: s.stock, stockStatus: s.stockStatus ?? statusOf(s.stock), version: s.version },
      },
      upsert: { productId: s.productId },
    },
  };
}

export function deletion(index: string, productId: string, version: number) {
  return {
    index,
    id: productId,
    retry_on_conflict: 5,
    body: {
      scripted_upsert: true,
      script: { lang: 'painless', source: DELETE_SCRIPT, params: { version } },
      upsert: { productId },
    },
  };
}

const sortClauses: Record<SearchSort, Record<string, 'asc' | 'desc'>[]> = {
  relevance: [{ _score: 'desc' }, { productId: 'desc' }],
  popular: [{ popularity: 'desc' }, { productId: 'desc' }],
  price_asc: [{ price: 'asc' }, { productId: 'asc' }],
  price_desc: [{ price: 'desc' }, { productId: 'desc' }],
  latest: [{ createdAt: 'desc' }, { productId: 'desc' }],
};

/** The search request: every term inside the name or brand, filters, a keyset page by search_after. */
export function searchRequest(index: string, q: SearchQuery, after: Position | undefined) {
  const qc = compact(q.q);
  const sort: SearchSort = q.sort === 'relevance' && !qc ? 'latest' : q.sort;
  const must = terms(q.q)
    .map(compact)
    .filter(Boolean)
    .map((t) =>
      [...t].length < 2
        ? {
            bool: {
              should: [
                { wildcard: { 'name.keyword': `*${t}*` } },
                { wildcard: { 'brand.keyword': `*${t}*` } },
              ],
            },
          }
        : { multi_match: { query: t, fields: ['name.grams', 'brand.grams'], operator: 'and' } },
    );
  const filter: Record<string, unknown>[] = [{ term: { status: 'APPROVED' } }, { term: { deleted: false } }];
  if (q.categoryId) filter.push({ term: { categoryPath: q.categoryId } });
  if (q.minPrice !== undefined || q.maxPrice !== undefined)
    filter.push({
      range: {
        price: {
          ...(q.minPrice !== undefined ? { gte: q.minPrice } : {}),
          ...(q.maxPrice !== undefined ? { lte: q.maxPrice } : {}),
        },
      },
    });
  if (q.brand) filter.push({ term: { 'brand.keyword': q.brand.toLowerCase() } });
  const should = qc
    ? [
        { term: { 'name.keyword': { value: q.q.trim().toLowerCase(), boost: 10 } } },
        { match_phrase: { name: { query: q.q, boost: 4 } } },
        { match: { name: { query: q.q, boost: 2 } } },
        { match: { brand: { query: q.q, boost: 1 } } },
      ]
    : [];
  return {
    index,
    body: {
      size: q.limit + 1,
      track_total_hits: false,
      query: {
        function_score: {
          query: { bool: { must, filter, should } },
          functions: [{ field_value_factor: { field: 'popularity', modifier: 'log1p', missing: 0 } }],
          boost_mode: 'sum',
        },
      },
      sort: sortClauses[sort],
      ...(after ? { search_after: [after.k, after.id] } : {}),
      _source: [
        'productId',
        'sellerId',
        'name',
        'brand',
        'price',
        'categoryId',
        'thumbnailUrl',
        'stock',
        'stockStatus',
        'popularity',
        'createdAt',
      ],
    },
  };
}
