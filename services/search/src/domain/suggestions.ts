import { type Kysely, sql, type Transaction } from '@mp/platform';
import type { ProductDoc } from '../backends/port.ts';
import type { Database } from '../db/schema.ts';
import { compact, jamo, normalize, suffixKeys } from './text.ts';

/**
 * Autocomplete keys follow product events in version order: a product on sale is found by the
 * start of any word of its name; one that is not is not suggested.
 */
export async function updateSuggestions(
  trx: Transaction<Database>,
  p: { productId: string; version: number; visible: boolean; doc?: ProductDoc },
): Promise<void> {
  const newer = await sql`
    insert into search_suggestion_sources as s (product_id, version) values (${p.productId}, ${p.version})
    on conflict (product_id) do update set version = excluded.version where s.version < excluded.version
    returning 1`.execute(trx);
  if (!newer.rows.length) return;
  await trx.deleteFrom('search_suggestions').where('product_id', '=', p.productId).execute();
  if (!p.visible || !p.doc) return;
  const keys = suffixKeys(p.doc.name);
  if (p.doc.brand) keys.push(jamo(p.doc.brand));
  await trx
    .insertInto('search_suggestions')
    .values(
      [...new Set(keys)].map((key) => ({
        product_id: p.productId,
        key,
        name: p.doc!.name,
        popularity: p.doc!.popularity,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export interface Suggestion {
  text: string;
  kind: 'query' | 'product';
}

/**
 * Suggestions for what is being typed, matched by jamo (a half-typed syllable counts: `운동ㅎ`
 * finds `운동화`): popular recent searches first, then names of products on sale by popularity.
 */
export async function autocomplete(db: Kysely<Database>, prefix: string, windowHours: number, limit = 10) {
  const key = jamo(prefix);
  if (!key) return [];
  const since = new Date(Date.now() - windowHours * 3_600_000);
  const [queries, products] = await Promise.all([
    sql<{ term: string; n: number }>`
      select t.term, sum(c.count)::int as n from search_terms t
      join search_term_counts c on c.term = t.term and c.hour >= ${since}
      where t.jamo like ${`${key}%`}
      group by t.term order by n desc, t.term limit ${limit}`.execute(db),
    sql<{ name: string; p: number }>`
      select name, max(popularity) as p from search_suggestions where key like ${`${key}%`}
      group by name order by p desc, name limit ${limit}`.execute(db),
  ]);
  const seen = new Set<string>();
  const out: Suggestion[] = [];
  for (const [text, kind] of [
    ...queries.rows.map((r) => [r.term, 'query'] as const),
    ...products.rows.map((r) => [r.name, 'product'] as const),
  ]) {
    const k = compact(text);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ text, kind });
  }
  return out.slice(0, limit);
}

/**
 * Searched terms, counted in memory and written in batches (a search must not wait on a write);
 * a term searched often in the last minute here is hot, and its first page is cached.
 */
export class TermCounter {
  private pending = new Map<string, number>();
  private minute = new Map<string, number>();
  private minuteStarted = Date.now();

  record(q: string): number {
    const term = normalize(q);
    if (!term) return 0;
    this.pending.set(term, (this.pending.get(term) ?? 0) + 1);
    if (Date.now() - this.minuteStarted > 60_000) {
      this.minute.clear();
      this.minuteStarted = Date.now();
    }
    const n = (this.minute.get(term) ?? 0) + 1;
    this.minute.set(term, n);
    return n;
  }

  async flush(db: Kysely<Database>): Promise<void> {
    if (!this.pending.size) return;
    const batch = [...this.pending.entries()];
    this.pending.clear();
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    try {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('search_term_counts')
          .values(batch.map(([term, count]) => ({ term, hour, count })))
          .onConflict((oc) =>
            oc.columns(['term', 'hour']).doUpdateSet((eb) => ({
              count: eb('search_term_counts.count', '+', eb.ref('excluded.count')),
            })),
          )
          .execute();
        await trx
          .insertInto('search_terms')
          .values(batch.map(([term]) => ({ term, jamo: jamo(term), last_at: new Date() })))
          .onConflict((oc) => oc.column('term').doUpdateSet({ last_at: new Date() }))
          .execute();
      });
    } catch (err) {
      // Put the counts back for the next flush.
      for (const [term, count] of batch) this.pending.set(term, (this.pending.get(term) ?? 0) + count);
      throw err;
    }
  }
}

/** 인기 검색어: the most searched terms over the recent window. */
export async function popularTerms(db: Kysely<Database>, windowHours: number, limit: number) {
  const since = new Date(Date.now() - windowHours * 3_600_000);
  const { rows } = await sql<{ term: string; count: number }>`
    select term, sum(count)::int as count from search_term_counts where hour >= ${since}
    group by term order by count desc, term limit ${limit}`.execute(db);
  return rows.map((r, i) => ({ rank: i + 1, term: r.term, count: r.count }));
}

export async function pruneTermCounts(db: Kysely<Database>, keepHours: number): Promise<void> {
  await db
    .deleteFrom('search_term_counts')
    .where('hour', '<', new Date(Date.now() - keepHours * 3_600_000))
    .execute();
}
