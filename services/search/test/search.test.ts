import { newId } from '@mp/platform';
import { describe, expect, it } from 'vitest';
import { deliver, names, onSale, search, searchForFile, state, tag } from './helpers.ts';

const svc = searchForFile({ SEARCH_HOT_THRESHOLD: '3' });

describe('Korean full-text search (PostgreSQL backend)', () => {
  it('matches inside words and across spacing variants, in names and brands, ignoring case', async () => {
    const t = tag();
    await onSale(svc, { name: `${t} 나이키 에어운동화`, brand: 'Nike' });
    await onSale(svc, { name: `${t} 에어 운동화 런닝`, brand: '아식스' });
    await onSale(svc, { name: `${t} 운동화끈 세트` });
    await onSale(svc, { name: `${t} 아디다스 슬리퍼`, brand: 'ADIDAS' });
    const find = async (q: string) => (await names(svc, { q: `${t} ${q}`, limit: 50 })).sort();
    expect(await find('운동화')).toEqual(
      [`${t} 나이키 에어운동화`, `${t} 에어 운동화 런닝`, `${t} 운동화끈 세트`].sort(),
    );
    expect(await find('에어 운동화')).toEqual([`${t} 나이키 에어운동화`, `${t} 에어 운동화 런닝`].sort());
    expect(await find('에어운동화')).toEqual([`${t} 나이키 에어운동화`, `${t} 에어 운동화 런닝`].sort());
    expect(await find('운동화 나이키')).toEqual([`${t} 나이키 에어운동화`]);
    expect(await find('에어')).toEqual([`${t} 나이키 에어운동화`, `${t} 에어 운동화 런닝`].sort());
    expect(await find('NIKE')).toEqual([`${t} 나이키 에어운동화`]);
    expect(await find('adidas 슬리퍼')).toEqual([`${t} 아디다스 슬리퍼`]);
    expect(await find('구두')).toEqual([]);
  });

  it('ranks the name that is the query first, then names that start with it', async () => {
    const t = tag();
    await onSale(svc, { name: `${t}운동화 세트`, popularity: 100 });
    await onSale(svc, { name: `${t}운동화` });
    await onSale(svc, { name: `나이키 ${t}운동화`, popularity: 5000 });
    expect(await names(svc, { q: `${t}운동화` })).toEqual([
      `${t}운동화`,
      `${t}운동화 세트`,
      `나이키 ${t}운동화`,
    ]);
  });

  it('finds only products on sale', async () => {
    const t = tag();
    const pending = state({ name: `${t} 대기`, status: 'PENDING_REVIEW', version: 1 });
    await deliver(svc, 'product.created', { ...pending, stock: 1, skus: [] });
    const rejected = state({ name: `${t} 반려`, status: 'REJECTED' });
    await deliver(svc, 'product.rejected', { ...rejected, reason: 'x', rejectedAt: rejected.updatedAt });
    const deleted = await onSale(svc, { name: `${t} 삭제` });
    await deliver(svc, 'product.deleted', {
      productId: deleted.productId,
      sellerId: deleted.sellerId,
      version: 3,
      deletedAt: new Date().toISOString(),
    });
    await onSale(svc, { name: `${t} 판매중` });
    expect(await names(svc, { q: t })).toEqual([`${t} 판매중`]);
  });
});

describe('an index that follows product events', () => {
  it('never lets an older update overwrite a newer one, nor bring a deleted product back', async () => {
    const t = tag();
    const p = state({ name: `${t} 새 이름`, version: 5, price: 5000 });
    await deliver(svc, 'product.updated', { ...p, changes: ['name'] });
    await deliver(svc, 'product.updated', {
      ...p,
      name: `${t} 옛 이름`,
      version: 4,
      price: 4000,
      changes: ['name'],
    });
    expect(await names(svc, { q: t })).toEqual([`${t} 새 이름`]);
    await deliver(svc, 'product.deleted', {
      productId: p.productId,
      sellerId: p.sellerId,
      version: 7,
      deletedAt: new Date().toISOString(),
    });
    await deliver(svc, 'product.updated', { ...p, version: 6, changes: ['price'] });
    expect(await names(svc, { q: t })).toEqual([]);
  });

  it('keeps the newest stock, whether it comes with the product or on its own, in any order', async () => {
    const t = tag();
    const p = state({ name: `${t} 재고`, version: 3, stock: 10 });
    // Stock news of version 6 arrives before the product itself.
    await deliver(svc, 'product.stock.changed', {
      productId: p.productId,
      previousStock: 10,
      currentStock: 2,
      changedBy: 'inventory',
      stockStatus: 'LOW_STOCK',
      version: 6,
    });
    await deliver(svc, 'product.approved', { ...p, approvedBy: 'a', approvedAt: p.updatedAt });
    await deliver(svc, 'product.stock.changed', {
      productId: p.productId,
      previousStock: 10,
      currentStock: 9,
      changedBy: 'inventory',
      stockStatus: 'IN_STOCK',
      version: 5,
    });
    const [hit] = (await search(svc, { q: t })).body.items;
    expect(hit).toMatchObject({ name: `${t} 재고`, stock: 2, stockStatus: 'LOW_STOCK' });
  });

  it('changes nothing when the same event comes twice', async () => {
    const t = tag();
    const p = state({ name: `${t} 한번` });
    const eventId = newId();
    await deliver(svc, 'product.approved', { ...p, approvedBy: 'a', approvedAt: p.updatedAt }, eventId);
    await deliver(svc, 'product.approved', { ...p, approvedBy: 'a', approvedAt: p.updatedAt }, eventId);
    expect(await names(svc, { q: t })).toEqual([`${t} 한번`]);
  });
});

describe('filters, sorts and pages', () => {
  it('filters by category subtree, price range and brand', async () => {
    const t = tag();
    const [root, shoes, bags] = [newId(), newId(), newId()];
    await onSale(svc, {
      name: `${t} A`,
      categoryId: shoes,
      categoryPath: [root, shoes],
      price: 30_000,
      brand: '나이키',
    });
    await onSale(svc, {
      name: `${t} B`,
      categoryId: bags,
      categoryPath: [root, bags],
      price: 80_000,
      brand: '나이키',
    });
    await onSale(svc, {
      name: `${t} C`,
      categoryId: shoes,
      categoryPath: [root, shoes],
      price: 120_000,
      brand: '뉴발란스',
    });
    const sorted = async (qs: Record<string, string | number>) => (await names(svc, { q: t, ...qs })).sort();
    expect(await sorted({ categoryId: root })).toEqual([`${t} A`, `${t} B`, `${t} C`]);
    expect(await sorted({ categoryId: shoes })).toEqual([`${t} A`, `${t} C`]);
    expect(await sorted({ minPrice: 50_000, maxPrice: 100_000 })).toEqual([`${t} B`]);
    expect(await sorted({ brand: '나이키' })).toEqual([`${t} A`, `${t} B`]);
    expect(await names(svc, { q: t, sort: 'price_desc' })).toEqual([`${t} C`, `${t} B`, `${t} A`]);
    expect(await names(svc, { q: t, sort: 'price_asc' })).toEqual([`${t} A`, `${t} B`, `${t} C`]);
  });

  it('sorts by popularity and by newest', async () => {
    const t = tag();
    await onSale(svc, { name: `${t} 하나`, popularity: 5, createdAt: '2025-01-01T00:00:00.000Z' });
    await onSale(svc, { name: `${t} 둘`, popularity: 50, createdAt: '2025-01-03T00:00:00.000Z' });
    await onSale(svc, { name: `${t} 셋`, popularity: 20, createdAt: '2025-01-02T00:00:00.000Z' });
    expect(await names(svc, { q: t, sort: 'popular' })).toEqual([`${t} 둘`, `${t} 셋`, `${t} 하나`]);
    expect(await names(svc, { q: t, sort: 'latest' })).toEqual([`${t} 둘`, `${t} 셋`, `${t} 하나`]);
  });

  it('pages through every hit once, by keyset, in relevance order too', async () => {
    const t = tag();
    for (let i = 0; i < 7; i++) await onSale(svc, { name: `${t} 상품 ${i}`, popularity: i % 3 });
    for (const sort of ['relevance', 'price_asc', 'latest', 'popular']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await search(svc, { q: t, sort, limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...res.body.items.map((h: { name: string }) => h.name));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen.sort(), sort).toEqual(Array.from({ length: 7 }, (_, i) => `${t} 상품 ${i}`));
    }
    const bad = await svc.call('GET', '/api/v1/search?q=x&cursor=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('cursor');
    expect((await svc.call('GET', '/api/v1/search?sort=cheap')).body.errors[0].path).toBe('sort');
  });
});

describe('autocomplete, popular terms and the hot-query cache', () => {
  it('suggests product names from the start of any word, even mid-syllable', async () => {
    const t = tag();
    await onSale(svc, { name: `${t}나이키 에어 운동화`, popularity: 10 });
    await onSale(svc, { name: `${t}나이키 조던`, popularity: 50 });
    const suggest = async (q: string) =>
      (await svc.call('GET', `/api/v1/search/autocomplete?q=${encodeURIComponent(q)}`)).body.items.map(
        (s: { text: string }) => s.text,
      );
    expect(await suggest(`${t}나이`)).toEqual([`${t}나이키 조던`, `${t}나이키 에어 운동화`]);
    expect(await suggest(`${t}나이키 에어 운동ㅎ`)).toEqual([`${t}나이키 에어 운동화`]);
    expect((await suggest('에어 운동')).includes(`${t}나이키 에어 운동화`)).toBe(true);
    expect((await svc.call('GET', '/api/v1/search/autocomplete')).status).toBe(400);
  });

  it('ranks the most searched terms of the window, counting only searches that found something', async () => {
    const t = tag();
    await onSale(svc, { name: `${t} 가방` });
    await onSale(svc, { name: `${t} 모자` });
    for (let i = 0; i < 3; i++) await search(svc, { q: `${t} 가방` });
    await search(svc, { q: `${t} 모자` });
    await search(svc, { q: `${t} 없는물건` });
    await svc.ctx.counter.flush(svc.deps.db);
    const res = await svc.call('GET', '/api/v1/search/popular?limit=50');
    const mine = res.body.items.filter((i: { term: string }) => i.term.startsWith(t));
    expect(mine.map((i: { term: string; count: number }) => [i.term, i.count])).toEqual([
      [`${t} 가방`, 3],
      [`${t} 모자`, 1],
    ]);
    const suggestions = await svc.call(
      'GET',
      `/api/v1/search/autocomplete?q=${encodeURIComponent(`${t} 가`)}`,
    );
    expect(suggestions.body.items[0]).toEqual({ text: `${t} 가방`, kind: 'query' });
  });

  it('answers a hot query from the cache', async () => {
    const t = tag();
    await onSale(svc, { name: `${t} 인기상품` });
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await search(svc, { q: t }));
    expect(runs.map((r) => r.headers.get('x-cache'))).toEqual([null, null, null, 'hit']);
    expect(runs[3]!.body).toEqual(runs[2]!.body);
  });
});
