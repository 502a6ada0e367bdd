import { buildEvent, newId } from '@mp/platform';
import { tokenFor } from '@mp/platform/testing';
import { describe, expect, it } from 'vitest';
import { deliveredBuyer, image, internal, review, reviewForFile, text } from './helpers.ts';

const svc = reviewForFile();

const summary = async (productId: string) =>
  (await svc.call('GET', `/api/v1/reviews/summary?productId=${productId}`)).body;

describe('who may review', () => {
  it('lets the buyer of a delivered item review it, with photos, and announces review.created', async () => {
    const productId = newId();
    const b = await deliveredBuyer(svc, productId);
    const photo = image(b.userId);
    const res = await review(svc, b.token, {
      orderId: b.orderId,
      productId,
      rating: 5,
      content: text(),
      imageFileIds: [photo],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      productId,
      userId: b.userId,
      orderId: b.orderId,
      itemId: 'item-1',
      rating: 5,
      images: [{ fileId: photo, thumbnailUrl: `http://cdn.test/${photo}-t.webp` }],
    });
    const [event] = (await svc.outbox('review.created')).filter((e) => e.data.reviewId === res.body.id);
    expect(event?.data).toMatchObject({ productId, userId: b.userId, rating: 5 });
    expect(await summary(productId)).toEqual({
      productId,
      average: 5,
      count: 1,
      distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 },
    });
  });

  it('refuses a review without a delivered purchase, of another buyer’s order, or by a seller', async () => {
    const productId = newId();
    const b = await deliveredBuyer(svc, productId);
    const stranger = await tokenFor(newId(), 'buyer');
    const none = await review(svc, stranger, { orderId: b.orderId, productId, rating: 4, content: text() });
    expect(none.status).toBe(403);
    expect(none.body.code).toBe('REVIEW_NOT_ALLOWED');
    const otherProduct = await review(svc, b.token, {
      orderId: b.orderId,
      productId: newId(),
      rating: 4,
      content: text(),
    });
    expect(otherProduct.status).toBe(403);
    const seller = await review(svc, await tokenFor(newId(), 'seller'), {
      orderId: b.orderId,
      productId,
      rating: 4,
      content: text(),
    });
    expect(seller.status).toBe(403);
    expect((await svc.call('POST', '/api/v1/reviews', { body: {} })).status).toBe(401);
  });

  it('takes one review per order item, even when the same request races itself', async () => {
    const productId = newId();
    const b = await deliveredBuyer(svc, productId, 2);
    const body = { orderId: b.orderId, productId, rating: 4, content: text() };
    const results = await Promise.all([1, 2, 3].map(() => review(svc, b.token, body)));
    // Two items of the product in the order: two reviews, then no more.
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 409]);
    const dup = await review(svc, b.token, body);
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('REVIEW_EXISTS');
    const items = new Set(results.filter((r) => r.status === 201).map((r) => r.body.itemId));
    expect(items).toEqual(new Set(['item-1', 'item-2']));
    expect((await summary(productId)).count).toBe(2);
  });

  it('names bad fields: rating out of 1–5, too short, unusable photos', async () => {
    const productId = newId();
    const b = await deliveredBuyer(svc, productId);
    const bad = await review(svc, b.token, { orderId: b.orderId, productId, rating: 6, content: '짧음' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['content', 'rating']);
    const photos = await review(svc, b.token, {
      orderId: b.orderId,
      productId,
      rating: 3,
      content: text(),
      imageFileIds: [image(newId()), image(b.userId, { purpose: 'product-image' }), newId()],
    });
    expect(photos.status).toBe(422);
    expect(photos.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'imageFileIds.0',
      'imageFileIds.1',
      'imageFileIds.2',
    ]);
    expect((await svc.call('GET', '/api/v1/reviews/eligible', { token: b.token })).body.items).toHaveLength(
      1,
    );
  });

  it('sends a delivery without its buyer and items to the dead-letter topic', async () => {
    const event = buildEvent('shipping', 'test', 'shipping.delivered', {
      shipmentId: newId(),
      orderId: 'o',
      deliveredAt: new Date().toISOString(),
      recipient: '김철수',
    });
    const res = await svc.call('POST', '/events/shipping.delivered', {
      body: { data: event },
      headers: internal,
    });
    expect(res.body.status).toBe('DROP');
  });
});

describe('a review after it is written', () => {
  it('is edited and deleted by its author only, and the summary follows', async () => {
    const productId = newId();
    const a = await deliveredBuyer(svc, productId);
    const b = await deliveredBuyer(svc, productId);
    const ra = (await review(svc, a.token, { orderId: a.orderId, productId, rating: 5, content: text(1) }))
      .body;
    await review(svc, b.token, { orderId: b.orderId, productId, rating: 3, content: text(2) });
    const other = await svc.call('PATCH', `/api/v1/reviews/${ra.id}`, {
      token: b.token,
      body: { rating: 1 },
    });
    expect(other.status).toBe(404);
    const edit = await svc.call('PATCH', `/api/v1/reviews/${ra.id}`, {
      token: a.token,
      body: { rating: 2, content: '생각보다 별로였어요. 금방 해졌습니다' },
    });
    expect(edit.body).toMatchObject({ rating: 2, content: '생각보다 별로였어요. 금방 해졌습니다' });
    expect(await summary(productId)).toMatchObject({
      average: 2.5,
      count: 2,
      distribution: { 2: 1, 3: 1, 5: 0 },
    });
    const [updated] = (await svc.outbox('review.updated')).filter((e) => e.data.reviewId === ra.id);
    expect(updated?.data.rating).toBe(2);
    expect((await svc.call('DELETE', `/api/v1/reviews/${ra.id}`, { token: b.token })).status).toBe(404);
    expect((await svc.call('DELETE', `/api/v1/reviews/${ra.id}`, { token: a.token })).status).toBe(204);
    expect(await summary(productId)).toMatchObject({ average: 3, count: 1, distribution: { 2: 0, 3: 1 } });
    expect((await svc.call('GET', `/api/v1/reviews/${ra.id}`)).status).toBe(404);
    // Written once per item: a deleted review is not written again.
    expect(
      (await review(svc, a.token, { orderId: a.orderId, productId, rating: 5, content: text() })).status,
    ).toBe(409);
    expect((await svc.outbox('review.deleted')).filter((e) => e.data.reviewId === ra.id)).toHaveLength(1);
  });

  it('counts one 도움돼요 per user, never the author’s own, and can take it back', async () => {
    const productId = newId();
    const a = await deliveredBuyer(svc, productId);
    const r = (await review(svc, a.token, { orderId: a.orderId, productId, rating: 4, content: text() }))
      .body;
    const voter = await tokenFor(newId(), 'buyer');
    const vote = () => svc.call('POST', `/api/v1/reviews/${r.id}/helpful`, { token: voter });
    const votes = await Promise.all([vote(), vote(), vote()]);
    expect(votes.map((v) => v.status)).toEqual([200, 200, 200]);
    expect((await svc.call('GET', `/api/v1/reviews/${r.id}`)).body.helpfulCount).toBe(1);
    expect((await svc.call('POST', `/api/v1/reviews/${r.id}/helpful`, { token: a.token })).body.code).toBe(
      'OWN_REVIEW',
    );
    await svc.call('POST', `/api/v1/reviews/${r.id}/helpful`, { token: await tokenFor(newId(), 'seller') });
    expect((await svc.call('DELETE', `/api/v1/reviews/${r.id}/helpful`, { token: voter })).body).toEqual({
      reviewId: r.id,
      helpfulCount: 1,
      voted: false,
    });
    expect((await svc.call('POST', `/api/v1/reviews/${newId()}/helpful`, { token: voter })).status).toBe(404);
  });
});

describe('reading reviews', () => {
  it('lists a product’s reviews by newest, rating or helpfulness, a keyset page at a time; best reviews first', async () => {
    const productId = newId();
    const ids: string[] = [];
    for (const rating of [3, 5, 1, 4]) {
      const b = await deliveredBuyer(svc, productId);
      ids.push(
        (await review(svc, b.token, { orderId: b.orderId, productId, rating, content: text(rating) })).body
          .id,
      );
    }
    const voters = await Promise.all([1, 2, 3].map(() => tokenFor(newId(), 'buyer')));
    for (const [i, t] of voters.entries()) {
      await svc.call('POST', `/api/v1/reviews/${ids[0]}/helpful`, { token: t });
      if (i < 1) await svc.call('POST', `/api/v1/reviews/${ids[2]}/helpful`, { token: t });
    }
    const all = async (sort: string) => {
      const out: number[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: { rating: number }[]; nextCursor: string | null } } = await svc.call(
          'GET',
          `/api/v1/reviews?productId=${productId}&sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        out.push(...res.body.items.map((r) => r.rating));
        cursor = res.body.nextCursor;
      } while (cursor);
      return out;
    };
    expect(await all('latest')).toEqual([4, 1, 5, 3]);
    expect(await all('rating')).toEqual([5, 4, 3, 1]);
    expect(await all('helpful')).toEqual([3, 1, 4, 5]);
    const best = await svc.call('GET', `/api/v1/reviews/best?productId=${productId}`);
    expect(best.body.items.map((r: { id: string }) => r.id)).toEqual([ids[0], ids[2]]);
    const ones = await svc.call('GET', `/api/v1/reviews?productId=${productId}&rating=1`);
    expect(ones.body.items.map((r: { id: string }) => r.id)).toEqual([ids[2]]);
    expect((await svc.call('GET', '/api/v1/reviews')).body.errors[0].path).toBe('productId');
  });

  it('lists my reviews and what I may still review', async () => {
    const productId = newId();
    const b = await deliveredBuyer(svc, productId, 2);
    await review(svc, b.token, {
      orderId: b.orderId,
      productId,
      itemId: 'item-2',
      rating: 4,
      content: text(),
    });
    const eligible = await svc.call('GET', '/api/v1/reviews/eligible', { token: b.token });
    expect(eligible.body.items.map((i: { itemId: string }) => i.itemId)).toEqual(['item-1']);
    const mine = await svc.call('GET', '/api/v1/reviews/mine', { token: b.token });
    expect(mine.body.items.map((r: { itemId: string }) => r.itemId)).toEqual(['item-2']);
  });
});
