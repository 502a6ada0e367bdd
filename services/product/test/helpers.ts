import { randomUUID } from 'node:crypto';
import type { EventData, EventType, FileMetadata } from '@mp/contracts';
import { ApiError, buildEvent, newId } from '@mp/platform';
import {
  serviceForFile,
  startTestService,
  TEST_APP_TOKEN,
  type TestService,
  tokenFor,
  withoutSidecar,
} from '@mp/platform/testing';
import type { Database } from '../src/db/schema.ts';
import { service } from '../src/service.ts';

export type Svc = TestService<Database, unknown>;
export const internal = { 'dapr-api-token': TEST_APP_TOKEN };

/** The seller and file services as product sees them through Dapr (`/internal/sellers/{id}`, `/internal/files/{id}`). */
export class Upstreams {
  sellers = new Map<string, string>();
  files = new Map<string, FileMetadata>();

  verifiedSeller(): string {
    const id = newId();
    this.sellers.set(id, 'VERIFIED');
    return id;
  }

  image(ownerId: string, o: Partial<FileMetadata> = {}): string {
    const fileId = newId();
    this.files.set(fileId, {
      fileId,
      ownerId,
      status: 'READY',
      contentType: 'image/png',
      purpose: 'product-image',
      size: 1000,
      filename: 'original.png',
      width: null,
      height: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      url: `http://cdn.test/files/${fileId}/original.png`,
      variants: { thumbnail: `http://cdn.test/files/${fileId}/thumbnail.webp` },
      ...o,
    });
    return fileId;
  }

  dapr() {
    const dapr = withoutSidecar();
    dapr.invoke = async <T>(appId: string, path: string) => {
      dapr.calls.push({ appId, method: 'GET', path, body: undefined });
      const [, , kind, id] = path.split('/');
      if (appId === 'seller' && kind === 'sellers') {
        const status = this.sellers.get(decodeURIComponent(id!));
        if (!status) throw new ApiError(404, 'SELLER_NOT_FOUND', 'no seller');
        return {
          sellerId: id,
          userId: id,
          status,
          storeName: '가게',
          grade: 'NORMAL',
          business: {
            businessNumber: '123-45-67890',
            representative: '김철수',
            mailOrderNumber: '2026-서울강남-0001',
            businessAddress: null,
          },
        } as T;
      }
      if (appId === 'file' && kind === 'files') {
        const f = this.files.get(decodeURIComponent(id!));
        if (!f) throw new ApiError(404, 'FILE_NOT_FOUND', 'no file');
        return f as T;
      }
      throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', `no double for ${appId} ${path}`);
    };
    return dapr;
  }
}

export async function start(up: Upstreams, env: Record<string, string> = {}) {
  return (await startTestService(service, { dapr: up.dapr(), env })) as Svc;
}

export async function deliver<T extends EventType>(svc: Svc, type: T, data: EventData<T>) {
  const event = buildEvent('inventory', 'test', type, data);
  const res = await svc.deliver(event);
  return res.body.status as string;
}

export const adminToken = () => tokenFor(newId(), 'admin');

export async function category(svc: Svc, name = `카테고리-${randomUUID().slice(0, 6)}`, parentId?: string) {
  const res = await svc.call('POST', '/api/v1/categories', {
    token: await adminToken(),
    body: { name, ...(parentId ? { parentId } : {}) },
  });
  if (res.status !== 201) throw new Error(`category: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export const sku = (tag = 'SKU') => `${tag}-${randomUUID().slice(0, 8)}`;

/** Registers a product as a seller; answers the product. */
export async function register(svc: Svc, sellerId: string, body: Record<string, unknown>) {
  const res = await svc.call('POST', '/api/v1/products', { token: await tokenFor(sellerId, 'seller'), body });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function approve(svc: Svc, productId: string) {
  const res = await svc.call('PATCH', `/internal/products/${productId}/approve`, {
    body: { adminId: newId() },
    headers: internal,
  });
  if (res.status !== 200) throw new Error(`approve: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A product on sale: registered and approved. */
export async function onSale(
  svc: Svc,
  sellerId: string,
  categoryId: string,
  o: Record<string, unknown> = {},
) {
  const p = await register(svc, sellerId, {
    name: '나이키 에어 운동화',
    description: '가볍고 편한 운동화',
    price: 89_000,
    categoryId,
    brand: '나이키',
    options: [{ sku: sku(), values: { 사이즈: '260' }, stock: 10 }],
    ...o,
  });
  return approve(svc, p.id);
}

/** The product service of one test file: started before its tests, closed after them. */
export function productForFile(up: Upstreams, env: Record<string, string> = {}): Svc {
  return serviceForFile(() => start(up, env), 'the product service');
}
