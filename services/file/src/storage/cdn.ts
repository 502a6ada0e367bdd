import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';

/** CDN cache invalidation (CDN 캐시 무효화): CloudFront on AWS, nothing locally. */
export interface CdnInvalidator {
  invalidate(keys: string[], reference: string): Promise<void>;
}

export const noCdn: CdnInvalidator = { invalidate: async () => {} };

/** The part of the CloudFront client used here, so a test can stand in for it. */
export interface CloudFrontLike {
  send(command: CreateInvalidationCommand): Promise<unknown>;
}

export function cloudFront(
  distributionId: string,
  client: CloudFrontLike = new CloudFrontClient({}),
): CdnInvalidator {
  return {
    async invalidate(keys, reference) {
      if (!keys.length) return;
      await client.send(
        new CreateInvalidationCommand({
          DistributionId: distributionId,
          InvalidationBatch: {
            // The same reference twice is one invalidation: a retried delete does not pay twice.
            CallerReference: reference,
            Paths: { Quantity: keys.length, Items: keys.map((k) => `/${k}`) },
          },
        }),
      );
    },
  };
}
