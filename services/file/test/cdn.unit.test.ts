import type { CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { describe, expect, it } from 'vitest';
import { cloudFront } from '../src/storage/cdn.ts';

describe('CloudFront invalidation', () => {
  it('asks CloudFront to drop every key of a deleted file, once per reference', async () => {
    const sent: CreateInvalidationCommand[] = [];
    const cdn = cloudFront('E2EXAMPLE', { send: async (c) => void sent.push(c) });
    await cdn.invalidate(['product-image/1/original.png', 'product-image/1/thumbnail.webp'], 'delete-1');
    await cdn.invalidate([], 'nothing');
    expect(sent.map((c) => c.input)).toEqual([
      {
        DistributionId: 'E2EXAMPLE',
        InvalidationBatch: {
          CallerReference: 'delete-1',
          Paths: { Quantity: 2, Items: ['/product-image/1/original.png', '/product-image/1/thumbnail.webp'] },
        },
      },
    ]);
  });
});
