/** painless' `ArrayList` (`new ArrayList()`, `add`), for a script run as JavaScript. */
class ArrayList<T> extends Array<T> {
  add(x: T) {
    this.push(x);
    return true;
  }
}

/**
 * Runs an update script written in the part of painless that reads as JavaScript once `def` is
 * `let` (ORDER_SCRIPT) on a stored document (`{}` for a scripted upsert's first write), as
 * OpenSearch would; the document after it and the script's `ctx.op`. The inputs are copied as
 * JSON, as they reach OpenSearch.
 */
export function runAsJavaScript(
  script: string,
  stored: Record<string, unknown> | undefined,
  params: unknown,
): { op: string; source: Record<string, unknown> } {
  const source = JSON.parse(JSON.stringify(stored ?? {}));
  for (const [k, v] of Object.entries(source)) if (Array.isArray(v)) source[k] = ArrayList.from(v);
  const ctx = { _source: source, op: 'index' };
  new Function('ctx', 'params', 'ArrayList', script.replace(/\bdef\b/g, 'let'))(
    ctx,
    JSON.parse(JSON.stringify(params)),
    ArrayList,
  );
  return { op: ctx.op, source: JSON.parse(JSON.stringify(ctx._source)) };
}
