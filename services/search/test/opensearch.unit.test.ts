import { describe, expect, it } from 'vitest';
import { readCursor } from '../src/backends/cursor.ts';
import { type OpenSearchLike, openSearchIndex } from '../src/backends/opensearch.ts';
import {
  CONTENT_SCRIPT,
  contentUpdate,
  deletion,
  indexDefinition,
  searchRequest,
  stockUpdate,
} from '../src/backends/opensearch-requests.ts';
import type { ProductDoc } from '../src/backends/port.ts';

const doc: ProductDoc = {
  productId: 'p-1',
  sellerId: 's-1',
  name: '나이키 에어운동화',
  description: '가벼운 운동화',
  brand: 'Nike',
  categoryId: 'c-2',
  categoryPath: ['c-1', 'c-2'],
  price: 89_000,
  status: 'APPROVED',
  thumbnailUrl: 'http://cdn/t.webp',
  stock: 3,
  stockStatus: 'LOW_STOCK',
  popularity: 12,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-02T00:00:00.000Z',
  version: 4,
};

describe('the OpenSearch index definition', () => {
  it('analyses names with nori and with grams of the space-less text', () => {
    const a = indexDefinition.settings.analysis;
    expect(a.tokenizer.nori_mixed).toEqual({ type: 'nori_tokenizer', decompound_mode: 'mixed' });
    expect(a.analyzer.korean.tokenizer).toBe('nori_mixed');
    expect(a.analyzer.compact_grams).toMatchObject({ char_filter: ['no_spaces'], tokenizer: 'grams' });
    expect(indexDefinition.mappings.properties.name.fields.grams.analyzer).toBe('compact_grams');
    expect(indexDefinition.mappings.properties.categoryPath.type).toBe('keyword');
  });
});

describe('OpenSearch writes', () => {
  it('upserts content through a version-checking script, stock only with the content it came with', () => {
    const req = contentUpdate('products', doc);
    expect(req).toMatchObject({ index: 'products', id: 'p-1', retry_on_conflict: 5 });
    expect(req.body.scripted_upsert).toBe(true);
    expect(req.body.script.source).toBe(CONTENT_SCRIPT);
    expect(CONTENT_SCRIPT).toContain("ctx._source.version >= d.version) { ctx.op = 'none'");
    expect(req.body.script.params.doc).toMatchObject({
      name: '나이키 에어운동화',
      version: 4,
      stock: 3,
      stockStatus: 'LOW_STOCK',
      categoryPath: ['c-1', 'c-2'],
    });
    expect(contentUpdate('products', { ...doc, stock: undefined }).body.script.params.doc.stock).toBeNull();
  });

  it('updates stock and deletes by version too', () => {
    expect(
      stockUpdate('products', { productId: 'p-1', stock: 0, stockStatus: undefined, version: 9 }).body.script
        .params,
    ).toEqual({
      stock: 0,
      stockStatus: 'OUT_OF_STOCK',
      version: 9,
    });
    const del = deletion('products', 'p-1', 10);
    expect(del.body.script.params).toEqual({ version: 10 });
    expect(del.body.script.source).toContain('ctx._source.deleted = true');
  });
});

describe('OpenSearch queries', () => {
  it('requires every term inside a name or brand, filters, and sorts by relevance with a tie-breaker', () => {
    const req = searchRequest(
      'products',
      {
        q: '에어 운동화',
        categoryId: 'c-1',
        minPrice: 10_000,
        maxPrice: 100_000,
        brand: 'Nike',
        sort: 'relevance',
        limit: 20,
      },
      undefined,
    );
    const fs = req.body.query.function_score;
    expect(fs.query.bool.must).toEqual([
      { multi_match: { query: '에어', fields: ['name.grams', 'brand.grams'], operator: 'and' } },
      { multi_match: { query: '운동화', fields: ['name.grams', 'brand.grams'], operator: 'and' } },
    ]);
    expect(fs.query.bool.filter).toEqual([
      { term: { status: 'APPROVED' } },
      { term: { deleted: false } },
      { term: { categoryPath: 'c-1' } },
      { range: { price: { gte: 10_000, lte: 100_000 } } },
      { term: { 'brand.keyword': 'nike' } },
    ]);
    expect(fs.query.bool.should[0]).toEqual({
      term: { 'name.keyword': { value: '에어 운동화', boost: 10 } },
    });
    expect(req.body.sort).toEqual([{ _score: 'desc' }, { productId: 'desc' }]);
    expect(req.body.size).toBe(21);
    expect(req.body).not.toHaveProperty('search_after');
  });

  it('pages with search_after and browses newest first without a query', () => {
    const req = searchRequest(
      'products',
      { q: '', sort: 'relevance', limit: 5 },
      { s: 'relevance', k: '2025-01-01T00:00:00.000Z', id: 'p-9' },
    );
    expect(req.body.sort).toEqual([{ createdAt: 'desc' }, { productId: 'desc' }]);
    expect(req.body.search_after).toEqual(['2025-01-01T00:00:00.000Z', 'p-9']);
    expect(req.body.query.function_score.query.bool.must).toEqual([]);
  });

  it('turns hits into results and the last sort values into the next cursor', async () => {
    const calls: unknown[] = [];
    const hit = (id: string, price: number) => ({
      _id: id,
      _score: null,
      _source: { ...doc, productId: id, price },
      sort: [price, id],
    });
    const client: OpenSearchLike = {
      update: async (p) => void calls.push(p),
      search: async (p) => {
        calls.push(p);
        return { body: { hits: { hits: [hit('p-1', 1000), hit('p-2', 2000), hit('p-3', 3000)] } } };
      },
      indices: { exists: async () => ({ body: false }), create: async (p) => void calls.push(p) },
      ping: async () => ({}),
    };
    const index = openSearchIndex(client, 'products');
    await index.ensureIndex();
    expect(calls[0]).toEqual({ index: 'products', body: indexDefinition });
    const page = await index.search({ q: '운동화', sort: 'price_asc', limit: 2 });
    expect(page.items.map((i) => [i.productId, i.price])).toEqual([
      ['p-1', 1000],
      ['p-2', 2000],
    ]);
    expect(readCursor(page.nextCursor!, 'price_asc')).toEqual({ s: 'price_asc', k: 2000, id: 'p-2' });
    await index.applyDeleted('p-1', 3, undefined as never);
    expect(calls.at(-1)).toEqual(deletion('products', 'p-1', 3));
  });

  it('answers 503 SEARCH_UNAVAILABLE when OpenSearch cannot answer, not a 500', async () => {
    const down = new Error('connect ECONNREFUSED');
    const client = {
      search: async () => {
        throw down;
      },
      ping: async () => {
        throw down;
      },
    } as unknown as OpenSearchLike;
    const index = openSearchIndex(client, 'products');
    await expect(index.search({ q: '운동화', sort: 'relevance', limit: 5 })).rejects.toMatchObject({
      status: 503,
      code: 'SEARCH_UNAVAILABLE',
    });
    expect(await index.healthy()).toBe(false);
  });
});
