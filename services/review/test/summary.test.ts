import { newId } from '@mp/platform';
import { describe, expect, it } from 'vitest';
import { deliveredBuyer, review, reviewForFile, text } from './helpers.ts';

const svc = reviewForFile();

describe('the rating summary under concurrent writes', () => {
  it('equals a count of the reviews after many reviews are written, edited and deleted at once', async () => {
    const productId = newId();
    const buyers = await Promise.all(Array.from({ length: 40 }, () => deliveredBuyer(svc, productId)));
    const created = await Promise.all(
      buyers.map((b, i) =>
        review(svc, b.token, { orderId: b.orderId, productId, rating: (i % 5) + 1, content: text(i) }),
      ),
    );
    expect(created.every((r) => r.status === 201)).toBe(true);
    // At once: half change their rating, a quarter delete, and everyone edits again while doing so.
    await Promise.all(
      created.flatMap((r, i) => {
        const token = buyers[i]!.token;
        const ops = [];
        if (i % 2 === 0)
          ops.push(
            svc.call('PATCH', `/api/v1/reviews/${r.body.id}`, { token, body: { rating: 5 - (i % 5) } }),
          );
        if (i % 4 === 1) ops.push(svc.call('DELETE', `/api/v1/reviews/${r.body.id}`, { token }));
        ops.push(
          svc.call('PATCH', `/api/v1/reviews/${r.body.id}`, { token, body: { rating: ((i * 7) % 5) + 1 } }),
        );
        return ops;
      }),
    );
    const live = await svc.deps.db
      .selectFrom('reviews')
      .select('rating')
      .where('product_id', '=', productId)
      .where('status', '=', 'ACTIVE')
      .execute();
    const distribution = Object.fromEntries(
      [1, 2, 3, 4, 5].map((n) => [String(n), live.filter((r) => r.rating === n).length]),
    );
    const sum = live.reduce((s, r) => s + r.rating, 0);
    const res = await svc.call('GET', `/api/v1/reviews/summary?productId=${productId}`);
    expect(live).toHaveLength(30);
    expect(res.body).toEqual({
      productId,
      count: 30,
      average: Math.round((sum / 30) * 10) / 10,
      distribution,
    });
    const row = await svc.deps.db
      .selectFrom('rating_summaries')
      .selectAll()
      .where('product_id', '=', productId)
      .executeTakeFirstOrThrow();
    expect(row.sum).toBe(sum);
  });
});
