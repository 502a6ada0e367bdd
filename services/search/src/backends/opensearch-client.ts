import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws';
import type { SearchConfig } from '../config.ts';
import type { OpenSearchLike } from './opensearch.ts';

type ClientConfig = Pick<SearchConfig, 'OPENSEARCH_AUTH' | 'OPENSEARCH_AWS_SERVICE' | 'AWS_REGION'> & {
  OPENSEARCH_URL: string;
};

/**
 * The OpenSearch client as OPENSEARCH_AUTH says: plain (none, or basic with the user and password
 * the URL carries), or every request signed with AWS SigV4 (sigv4) by the client's own signer, the
 * credentials from the AWS SDK's default chain — on EKS the pod's IRSA role (web identity), which
 * the chain refreshes before it expires.
 */
export function openSearchClient(c: ClientConfig): OpenSearchLike {
  if (c.OPENSEARCH_AUTH !== 'sigv4')
    return new Client({ node: c.OPENSEARCH_URL }) as unknown as OpenSearchLike;
  return new Client({
    ...AwsSigv4Signer({
      region: c.AWS_REGION!,
      service: c.OPENSEARCH_AWS_SERVICE,
      getCredentials: defaultProvider(),
    }),
    node: c.OPENSEARCH_URL,
  }) as unknown as OpenSearchLike;
}
