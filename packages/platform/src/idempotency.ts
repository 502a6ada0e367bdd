import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import type { AppEnv } from './app.ts';
import { ApiError, badRequest, conflict } from './errors.ts';
import { markMiddleware } from './marks.ts';
import type { PlatformTables } from './platform-migrations.ts';

const CLAIM_MS = 30_000;

/**
 * `Idempotency-Key` (contract: orders, payment confirmation, coupon issue): the same key and body
 * from the same caller replays the first answer; the same key with another body is a 422; a
 * request still running under the key is a 409. Answers of 5xx are not kept, so they may be retried.
 */
// biome-ignore lint/suspicious/noExplicitAny: works with every service's database type
export function idempotent(anyDb: Kysely<any>, route: string): MiddlewareHandler<AppEnv> {
  const db = anyDb as Kysely<PlatformTables>;
  const mw: MiddlewareHandler<AppEnv> = async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (key === undefined) return next();
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw badRequest('VALIDATION_FAILED', 'Idempotency-Key must be 1–255 visible ASCII characters', {
        errors: [{ path: 'Idempotency-Key', message: 'invalid', in: 'header' }],
      });
    }
    const scope = `${route}:${c.get('principal')?.userId ?? 'anonymous'}`;
    const hash = createHash('sha256')
      .update(await c.req.text())
      .digest('hex');
    const now = new Date();

    const claimed = await db
      .insertInto('idempotency_keys')
      .values({ scope, key, request_hash: hash, locked_until: new Date(now.getTime() + CLAIM_MS) })
      .onConflict((oc) => oc.doNothing())
      .returning('key')
      .executeTakeFirst();

    if (!claimed) {
      const row = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('scope', '=', scope)
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      if (row.request_hash !== hash) {
        throw new ApiError(
          422,
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used with a different request',
        );
      }
      if (row.status !== null) {
        return c.body(row.body ?? '', row.status as 200, {
          'content-type': row.content_type ?? 'application/json',
          'idempotent-replayed': 'true',
        });
      }
      // Still claimed by a request in flight, or by one that died: take over only a stale claim.
      const takenOver = await db
        .updateTable('idempotency_keys')
        .set({ locked_until: new Date(now.getTime() + CLAIM_MS) })
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('status', 'is', null)
        .where('locked_until', '<', now)
        .returning('key')
        .executeTakeFirst();
      if (!takenOver) {
        c.header('retry-after', '1');
        throw conflict(
          'IDEMPOTENCY_IN_PROGRESS',
          'A request with this Idempotency-Key is still being processed',
        );
      }
    }

    await next();

    const res = c.res;
    if (res.status >= 500) {
      await db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute();
      return;
    }
    await db
      .updateTable('idempotency_keys')
      .set({
        status: res.status,
        body: await res.clone().text(),
        content_type: res.headers.get('content-type'),
        locked_until: null,
      })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .execute();
  };
  // The API document gives routes behind this their Idempotency-Key parameter (openapi.ts).
  return markMiddleware(mw, { idempotent: true });
}
