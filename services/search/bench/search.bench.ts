/**
 * Search at 100,000 products (PostgreSQL backend): loads a throw-away schema with generated
 * Korean product names through the service's own document code, then prints p50/p95 latency of
 * queries of every kind, measured in the index and through the route (app.request, no network).
 *
 *   MP_STACK=2 scripts/lib/infra.sh start_postgres;  node services/search/bench/search.bench.ts [--products 100000] [--runs 30]
 *
 * Figures are recorded in docs/benchmarks.md. Nothing here asserts on time.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { buildService, createDb, createLogger, newId, sql } from '@mp/platform';
import { withoutSidecar } from '@mp/platform/testing';
import type { ProductDoc, SearchQuery } from '../src/backends/port.ts';
import { documentRow } from '../src/backends/postgres.ts';
import { autocomplete } from '../src/domain/suggestions.ts';
import { suffixKeys } from '../src/domain/text.ts';
import { service } from '../src/service.ts';

const { values } = parseArgs({
  options: {
    products: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '30' },
    /** Keep the loaded schema (to EXPLAIN queries by hand); drop it with `drop schema … cascade`. */
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(values.products);
const RUNS = Number(values.runs);
const base = process.env.MP_DATABASE_BASE_URL ?? 'postgres://marketplace:marketplace@127.0.0.1:5432';
const url = process.env.BENCH_DATABASE_URL ?? `${base}/marketplace_test`;
const schema = `bench_search_${randomBytes(3).toString('hex')}`;

// A seeded generator, so every run indexes the same catalog.
let seed = 20251203;
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;

const brands = [
  '나이키',
  '아디다스',
  '뉴발란스',
  '아식스',
  '푸마',
  '삼성',
  'LG',
  '애플',
  '샤오미',
  '무신사스탠다드',
  '노스페이스',
  '코오롱',
  '휠라',
  '락앤락',
  '쿠쿠',
  '필립스',
  'Nike',
  'Zara',
  '유니클로',
  '탑텐',
];
const adjectives = [
  '가벼운',
  '편안한',
  '방수',
  '프리미엄',
  '여름용',
  '겨울용',
  '초경량',
  '슬림핏',
  '오버핏',
  '무선',
  '대용량',
  '휴대용',
  '친환경',
  '고급',
  '베이직',
  '데일리',
  '빈티지',
  '스마트',
  '접이식',
  '국내산',
];
const nouns = [
  '운동화',
  '러닝화',
  '에어운동화',
  '슬리퍼',
  '샌들',
  '등산화',
  '원피스',
  '티셔츠',
  '맨투맨',
  '후드티',
  '청바지',
  '패딩',
  '바람막이',
  '백팩',
  '크로스백',
  '노트북',
  '이어폰',
  '헤드폰',
  '충전기',
  '보조배터리',
  '텀블러',
  '전기밥솥',
  '공기청정기',
  '선풍기',
  '냉장고',
  '모니터',
  '키보드',
  '마우스',
  '캠핑의자',
  '요가매트',
];
const colors = ['블랙', '화이트', '네이비', '베이지', '그레이', '레드', '카키', '아이보리'];
const categories = Array.from({ length: 40 }, () => [newId(), newId()] as const);

function product(i: number): ProductDoc {
  const [root, leaf] = pick(categories);
  const brand = rand() < 0.85 ? pick(brands) : null;
  // Spacing varies as sellers write it: `에어 운동화`, `에어운동화`.
  const noun = pick(nouns);
  const spaced = rand() < 0.3 ? noun.replace(/^(.{2})(.+)$/, '$1 $2') : noun;
  const name =
    `${brand ?? ''} ${pick(adjectives)} ${spaced} ${pick(colors)} ${String.fromCharCode(65 + (i % 26))}${i % 1000}`.trim();
  const at = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
  return {
    productId: newId(),
    sellerId: `seller-${i % 500}`,
    name,
    description: '',
    brand,
    categoryId: leaf,
    categoryPath: [root, leaf],
    price: 1000 * (5 + Math.floor(rand() * 300)),
    status: rand() < 0.95 ? 'APPROVED' : 'PENDING_REVIEW',
    thumbnailUrl: `https://cdn.example.kr/product-image/${i}/thumbnail.webp`,
    stock: Math.floor(rand() * 50),
    stockStatus: undefined,
    popularity: Math.floor(rand() ** 3 * 5000),
    createdAt: at,
    updatedAt: at,
    version: 2,
  };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main() {
  const svc = buildService(service, {
    env: {
      DATABASE_URL: url,
      DB_SCHEMA: schema,
      APP_API_TOKEN: 'bench-app-token-0123456789',
      LOG_LEVEL: 'silent',
      SEARCH_CACHE_TTL_SECONDS: '0',
      // To compare: every statement unnamed (`false`), or plans kept by PostgreSQL (`auto`; decision 0069).
      DB_PREPARED_STATEMENTS: process.env.DB_PREPARED_STATEMENTS ?? 'true',
      ...(process.env.DB_PLAN_CACHE_MODE ? { DB_PLAN_CACHE_MODE: process.env.DB_PLAN_CACHE_MODE } : {}),
    },
    dapr: withoutSidecar(),
    log: createLogger('search', 'silent'),
  });
  await svc.prepare({ relay: false, workers: false });
  const db = svc.deps.db;
  try {
    console.log(`loading ${N.toLocaleString()} products into ${schema} …`);
    const loadStart = performance.now();
    const batch = 1000;
    for (let i = 0; i < N; i += batch) {
      const docs = Array.from({ length: Math.min(batch, N - i) }, (_, k) => product(i + k));
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('search_documents')
          .values(docs.map(documentRow) as never)
          .execute();
        const keys = docs
          .filter((d) => d.status === 'APPROVED')
          .flatMap((d) =>
            [...new Set(suffixKeys(d.name))].map((key) => ({
              product_id: d.productId,
              key,
              name: d.name,
              popularity: d.popularity,
            })),
          );
        await trx
          .insertInto('search_suggestions')
          .values(keys)
          .onConflict((oc) => oc.doNothing())
          .execute();
      });
    }
    await sql`analyze search_documents`.execute(db);
    await sql`analyze search_suggestions`.execute(db);
    const loadMs = performance.now() - loadStart;
    const size = await sql<{ table: string; index: string }>`
      select pg_size_pretty(pg_table_size('search_documents')) as table,
             pg_size_pretty(pg_indexes_size('search_documents')) as index`.execute(db);
    console.log(
      `loaded in ${(loadMs / 1000).toFixed(1)} s; table ${size.rows[0]!.table}, indexes ${size.rows[0]!.index}\n`,
    );

    const [root, leaf] = categories[0]!;
    const queries: { label: string; q: Partial<SearchQuery> }[] = [
      { label: '운동화 (inside words)', q: { q: '운동화' } },
      { label: '에어 운동화 (spacing variant)', q: { q: '에어 운동화' } },
      { label: '에어운동화 (compact)', q: { q: '에어운동화' } },
      { label: '나이키 운동화 (two terms)', q: { q: '나이키 운동화' } },
      { label: '무선 이어폰 블랙 (three terms)', q: { q: '무선 이어폰 블랙' } },
      { label: '패딩 (two characters)', q: { q: '패딩' } },
      { label: 'nike (latin, any case)', q: { q: 'NIKE' } },
      { label: '텀블러, price_asc', q: { q: '텀블러', sort: 'price_asc' } },
      { label: '원피스, category subtree', q: { q: '원피스', categoryId: root } },
      { label: '운동화, 50,000–100,000원', q: { q: '운동화', minPrice: 50_000, maxPrice: 100_000 } },
      { label: '운동화, popular', q: { q: '운동화', sort: 'popular' } },
      { label: 'browse a category, latest', q: { q: '', categoryId: leaf } },
      { label: 'no match (없는상품)', q: { q: '없는상품이름' } },
    ];
    const index = svc.ctx.index;
    const all: number[] = [];
    const rows: string[][] = [];
    for (const { label, q } of queries) {
      const query: SearchQuery = { q: '', sort: q.q ? 'relevance' : 'latest', limit: 20, ...q };
      let hits = 0;
      for (let w = 0; w < 3; w++) hits = (await index.search(query)).items.length;
      const times: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const t = performance.now();
        await index.search(query);
        times.push(performance.now() - t);
      }
      all.push(...times);
      rows.push([label, String(hits), ms(percentile(times, 50)), ms(percentile(times, 95))]);
    }
    // The same through the route (validation, JSON), page 2 by cursor, and autocomplete.
    const route = async (path: string) => {
      const t = performance.now();
      const res = await svc.app.request(path);
      await res.text();
      return performance.now() - t;
    };
    const routeTimes: number[] = [];
    for (let r = 0; r < RUNS; r++)
      routeTimes.push(await route(`/api/v1/search?q=${encodeURIComponent('에어 운동화')}`));
    rows.push([
      'GET /api/v1/search?q=에어 운동화 (route)',
      '20',
      ms(percentile(routeTimes, 50)),
      ms(percentile(routeTimes, 95)),
    ]);
    const first = await index.search({ q: '운동화', sort: 'relevance', limit: 20 });
    const pageTimes: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      await index.search({ q: '운동화', sort: 'relevance', limit: 20, cursor: first.nextCursor! });
      pageTimes.push(performance.now() - t);
    }
    rows.push([
      '운동화, second page (cursor)',
      '20',
      ms(percentile(pageTimes, 50)),
      ms(percentile(pageTimes, 95)),
    ]);
    const acTimes: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      await autocomplete(db, pick(['나이', '운동ㅎ', '에어 운', '무선', '텀']), 24);
      acTimes.push(performance.now() - t);
    }
    rows.push([
      'autocomplete (나이, 운동ㅎ, 에어 운, …)',
      '≤10',
      ms(percentile(acTimes, 50)),
      ms(percentile(acTimes, 95)),
    ]);

    const width = Math.max(...rows.map((r) => r[0]!.length));
    console.log(`${'query'.padEnd(width)}  hits   p50        p95`);
    for (const r of rows)
      console.log(`${r[0]!.padEnd(width)}  ${r[1]!.padEnd(5)}  ${r[2]!.padEnd(9)}  ${r[3]}`);
    console.log(
      `\nall index queries: p50 ${ms(percentile(all, 50))}, p95 ${ms(percentile(all, 95))} (${all.length} runs)`,
    );
  } finally {
    await svc.stop();
    if (values.keep) console.log(`kept schema ${schema}`);
    else {
      const admin = createDb(url, 'public', 1);
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin);
      await admin.destroy();
    }
  }
}

await main();
