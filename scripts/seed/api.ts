/** The seed's plumbing: calls through the gateway that must succeed, paging, polling, a small pool. */
import { call } from '../../bench/lib/market.ts';

export { address, adminToken, base, call, login } from '../../bench/lib/market.ts';

export const password = 'correct horse battery';

/** A call that must answer one of `ok`; anything else stops the seed with the reply. */
export async function must<T = any>(
  method: string,
  path: string,
  o: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ok: number[] = [200, 201],
): Promise<T> {
  const res = await call<T>(method, path, o);
  if (!ok.includes(res.status))
    throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Every item of a cursor-paged list. */
export async function all<T = any>(path: string, token?: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: { items: T[]; nextCursor?: string | null } = await must(
      'GET',
      `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      token ? { token } : {},
    );
    out.push(...page.items);
    cursor = page.nextCursor ?? null;
  } while (cursor);
  return out;
}

/** Polls until `fn` gives a truthy value. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  what: string,
  ms = 60_000,
) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Runs `fn` over `items`, at most `width` at a time, results in order. */
export async function pool<T, R>(items: T[], width: number, fn: (item: T, i: number) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** One line of progress per stage. */
export function report(stage: string, counts: Record<string, number>, started: number) {
  const parts = Object.entries(counts).map(([k, v]) => `${k} ${v}`);
  console.log(
    `[seed] ${stage.padEnd(10)} ${parts.join(', ')}  (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}
