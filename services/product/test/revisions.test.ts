import { newId } from '@mp/platform';
import { tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, category, internal, onSale, productForFile, sku, Upstreams } from './helpers.ts';

const up = new Upstreams();
let shoes: string;
let seller: string;
let sellerToken: string;
const svc = productForFile(up);
beforeAll(async () => {
  shoes = await category(svc, '신발');
  seller = up.verifiedSeller();
  sellerToken = await tokenFor(seller, 'seller');
});

const edit = (id: string, body: unknown, token = sellerToken) =>
  svc.call('PATCH', `/api/v1/products/${id}`, { token, body });
const decide = (revisionId: string, verdict: 'approve' | 'reject', reason?: string) =>
  svc.call('PATCH', `/internal/revisions/${revisionId}/${verdict}`, {
    body: { adminId: newId(), ...(reason ? { reason } : {}) },
    headers: internal,
  });
const updates = async (id: string) =>
  (await svc.outbox('product.updated')).filter((e) => e.data.productId === id);
const told = async (topic: 'submitted' | 'approved' | 'rejected', id: string) =>
  (await svc.outbox(`product.revision.${topic}`)).filter((e) => e.data.productId === id).map((e) => e.data);
const quote = async (productId: string, sku: string) =>
  (
    await svc.call('POST', '/internal/products/quote', {
      body: { items: [{ productId, sku, quantity: 1 }] },
      headers: internal,
    })
  ).body.items[0];

describe("a seller's edit of an approved product (moderation that holds)", () => {
  it('waits for review while the approved version stays on sale; approval applies it with product.updated', async () => {
    const p = await onSale(svc, seller, shoes);
    const option = p.options[0].sku as string;
    const image = up.image(seller);
    const res = await edit(p.id, {
      name: '새 이름',
      price: 99_000,
      description: '새 설명',
      imageFileIds: [image],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: p.name, price: 89_000, version: p.version });
    expect(res.body.revision).toMatchObject({
      status: 'PENDING',
      proposed: { name: '새 이름', price: 99_000, description: '새 설명', images: [{ fileId: image }] },
    });
    expect(await updates(p.id)).toEqual([]);
    // The seller is told it waits for review.
    expect(await told('submitted', p.id)).toEqual([
      {
        revisionId: res.body.revision.id,
        productId: p.id,
        sellerId: seller,
        name: p.name,
        fields: ['name', 'description', 'price', 'images'],
        submittedAt: expect.any(String),
      },
    ]);

    // Buyers, the page and order quotes see the approved version.
    const page = await svc.call('GET', `/api/v1/products/${p.id}`, {
      token: await tokenFor(newId(), 'buyer'),
    });
    expect(page.body).toMatchObject({ name: p.name, price: 89_000 });
    expect(page.body).not.toHaveProperty('revision');
    expect(await quote(p.id, option)).toMatchObject({ name: p.name, unitPrice: 89_000 });

    // A second edit changes the pending revision (one per product).
    const again = await edit(p.id, { price: 95_000 });
    expect(again.body.revision).toMatchObject({
      id: res.body.revision.id,
      proposed: { name: '새 이름', price: 95_000 },
    });
    expect(await told('submitted', p.id)).toHaveLength(1);

    const queue = await svc.call('GET', '/internal/review-queue', { headers: internal });
    expect(queue.body.revisions.count).toBeGreaterThanOrEqual(1);
    const listed = await svc.call('GET', '/internal/revisions?limit=100', { headers: internal });
    expect(listed.body.items.find((r: { id: string }) => r.id === res.body.revision.id)).toMatchObject({
      current: { name: p.name, price: 89_000, status: 'APPROVED' },
    });

    const approved = await decide(res.body.revision.id, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      name: '새 이름',
      price: 95_000,
      description: '새 설명',
      status: 'APPROVED',
    });
    expect(approved.body.images.map((i: { fileId: string }) => i.fileId)).toEqual([image]);
    expect(await quote(p.id, option)).toMatchObject({ name: '새 이름', unitPrice: 95_000 });
    const [event] = await updates(p.id);
    expect(event?.data).toMatchObject({
      changes: ['name', 'description', 'price', 'imageFileIds'],
      price: 95_000,
    });

    // Approving again changes nothing; the revision is no longer pending for a rejection.
    expect(await told('approved', p.id)).toMatchObject([
      { revisionId: res.body.revision.id, sellerId: seller, name: '새 이름' },
    ]);
    expect((await decide(res.body.revision.id, 'approve')).status).toBe(200);
    expect(await updates(p.id)).toHaveLength(1);
    expect(await told('approved', p.id)).toHaveLength(1);
    const late = await decide(res.body.revision.id, 'reject', '늦은 반려');
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('REVISION_NOT_PENDING');
  });

  it('rejection discards the edit with a reason its seller sees; the approved version is untouched', async () => {
    const p = await onSale(svc, seller, shoes);
    const { body } = await edit(p.id, { name: '최저가 보장 100%' });
    const rejected = await decide(body.revision.id, 'reject', '과장 광고 문구');
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ name: p.name, status: 'APPROVED', version: p.version });
    const mine = await svc.call('GET', `/api/v1/products/${p.id}`, { token: sellerToken });
    expect(mine.body.revision).toMatchObject({ status: 'REJECTED', rejectionReason: '과장 광고 문구' });
    expect(await updates(p.id)).toEqual([]);
    expect(await told('rejected', p.id)).toMatchObject([
      { revisionId: body.revision.id, sellerId: seller, name: p.name, reason: '과장 광고 문구' },
    ]);
    // The seller may submit a new edit.
    const next = await edit(p.id, { name: '정직한 이름' });
    expect(await told('submitted', p.id)).toHaveLength(2);
    expect(next.body.revision).toMatchObject({ status: 'PENDING', proposed: { name: '정직한 이름' } });
    expect(next.body.revision.id).not.toBe(body.revision.id);
  });

  it('applies brand, category and stock-only option changes at once; option price changes wait', async () => {
    const p = await onSale(svc, seller, shoes);
    const kept = p.options[0].sku as string;
    const added = sku();
    const res = await edit(p.id, {
      brand: '아디다스',
      options: [
        { sku: kept, values: { 사이즈: '260' } },
        { sku: added, values: { 사이즈: '270' }, stock: 3 },
      ],
    });
    expect(res.body).toMatchObject({ brand: '아디다스', version: p.version + 1, revision: null });
    expect(res.body.options.map((o: { sku: string }) => o.sku)).toEqual([kept, added]);

    const pricier = await edit(p.id, {
      options: [
        { sku: kept, values: { 사이즈: '260' }, priceDelta: 5000 },
        { sku: added, values: { 사이즈: '270' } },
      ],
    });
    expect(pricier.body.options[0]).toMatchObject({ sku: kept, price: 89_000 });
    expect(pricier.body.revision).toMatchObject({
      status: 'PENDING',
      proposed: { options: [{ sku: kept, priceDelta: 5000 }, { sku: added }] },
    });
    const approved = await decide(pricier.body.revision.id, 'approve');
    expect(approved.body.options[0]).toMatchObject({ sku: kept, price: 94_000 });
  });

  it('an edit undone before review withdraws it; an admin edits at once; deletion withdraws a pending edit', async () => {
    const p = await onSale(svc, seller, shoes);
    const first = await edit(p.id, { price: 1000 });
    expect(first.body.revision.status).toBe('PENDING');
    const undone = await edit(p.id, { price: 89_000 });
    expect(undone.body.revision).toBeNull();

    const admin = await edit(p.id, { price: 80_000 }, await adminToken());
    expect(admin.body).toMatchObject({ price: 80_000, revision: null });

    const held = await edit(p.id, { name: '지울 상품' });
    expect((await svc.call('DELETE', `/api/v1/products/${p.id}`, { token: sellerToken })).status).toBe(204);
    const gone = await decide(held.body.revision.id, 'approve');
    expect(gone.status).toBe(409);
    expect(gone.body.code).toBe('REVISION_NOT_PENDING');
  });

  it('names a bad held price at once, and answers an unknown revision with 404', async () => {
    const p = await onSale(svc, seller, shoes, {
      options: [{ sku: sku(), values: { 사이즈: '260' }, priceDelta: -5000, stock: 1 }],
    });
    const res = await edit(p.id, { price: 4000 });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('price');
    const unknown = await decide(newId(), 'approve');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('REVISION_NOT_FOUND');
    // Not one of our ids (the API fuzzer's 63 zeros): the same 404, for both decisions, not a 500.
    for (const action of ['approve', 'reject'] as const) {
      const notAnId = await decide('0'.repeat(63), action, 'not sharp enough');
      expect(notAnId.status).toBe(404);
      expect(notAnId.body.code).toBe('REVISION_NOT_FOUND');
    }
  });
});
