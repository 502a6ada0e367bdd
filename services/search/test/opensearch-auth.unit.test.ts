import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, parseConfig } from '@mp/platform';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openSearchIndex } from '../src/backends/opensearch.ts';
import { openSearchClient } from '../src/backends/opensearch-client.ts';
import { config } from '../src/config.ts';

const base = {
  DATABASE_URL: 'postgres://x@localhost/db',
  APP_API_TOKEN: 'x'.repeat(16),
  SEARCH_BACKEND: 'opensearch',
};

/** A stand-in OpenSearch on 127.0.0.1 that remembers what each request carried. */
let server: Server;
let url: string;
const seen: { method: string; path: string; headers: IncomingHttpHeaders; body: string }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        path: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ hits: { hits: [] } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  seen.length = 0;
  vi.unstubAllEnvs();
});

/** A product search through the client that search's config makes. */
async function searchWith(env: Record<string, string>) {
  const c = parseConfig('search', config, { ...base, OPENSEARCH_URL: url, ...env });
  const index = openSearchIndex(openSearchClient({ ...c, OPENSEARCH_URL: c.OPENSEARCH_URL! }), 'products');
  await index.search({ q: '운동화', sort: 'relevance', limit: 5 });
  expect(seen).toHaveLength(1);
  return seen[0]!;
}

describe('OPENSEARCH_AUTH', () => {
  it('sigv4 signs each request for the domain (es) with the credentials of the AWS default chain', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
    vi.stubEnv('AWS_SESSION_TOKEN', 'session-token-of-the-pod-role');
    const req = await searchWith({ OPENSEARCH_AUTH: 'sigv4', AWS_REGION: 'ap-northeast-2' });
    expect(req.path).toBe('/products/_search');
    expect(req.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ap-northeast-2\/es\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(req.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(req.headers['x-amz-security-token']).toBe('session-token-of-the-pod-role');
    // The signature covers the body the server received.
    expect(req.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(req.body).digest('hex'));
  });

  it('sigv4 signs for OpenSearch Serverless (aoss) when OPENSEARCH_AWS_SERVICE says so', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
    const req = await searchWith({
      OPENSEARCH_AUTH: 'sigv4',
      AWS_REGION: 'us-east-1',
      OPENSEARCH_AWS_SERVICE: 'aoss',
    });
    expect(req.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/aoss\/aws4_request, /,
    );
  });

  it('none (the default) sends no authorization, even with AWS credentials about', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
    const req = await searchWith({});
    expect(req.headers.authorization).toBeUndefined();
    expect(req.headers['x-amz-date']).toBeUndefined();
  });

  it('basic sends the user and password of OPENSEARCH_URL', async () => {
    const c = parseConfig('search', config, {
      ...base,
      OPENSEARCH_URL: url.replace('http://', 'http://search:s3cret@'),
      OPENSEARCH_AUTH: 'basic',
    });
    await openSearchIndex(openSearchClient({ ...c, OPENSEARCH_URL: c.OPENSEARCH_URL! }), 'products').search({
      q: '',
      sort: 'relevance',
      limit: 5,
    });
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('search:s3cret').toString('base64')}`);
  });
});

describe('the OpenSearch settings fail closed', () => {
  const refusal = (env: Record<string, string>) => {
    try {
      parseConfig('search', config, { ...base, ...env });
    } catch (err) {
      if (err instanceof ConfigError) return err.issues;
      throw err;
    }
    return [];
  };

  it.each(['', 'iam', 'SIGV4', 'basic '])('refuses OPENSEARCH_AUTH=%j, naming the values it takes', (v) => {
    expect(refusal({ OPENSEARCH_URL: 'https://os.example', OPENSEARCH_AUTH: v })).toEqual([
      { variable: 'OPENSEARCH_AUTH', message: expect.stringMatching(/none.*basic.*sigv4/) },
    ]);
  });

  it('refuses sigv4 without AWS_REGION, or with a region that is not one', () => {
    expect(refusal({ OPENSEARCH_URL: 'https://os.example', OPENSEARCH_AUTH: 'sigv4' })).toEqual([
      { variable: 'AWS_REGION', message: expect.stringContaining('required when OPENSEARCH_AUTH is sigv4') },
    ]);
    expect(
      refusal({ OPENSEARCH_URL: 'https://os.example', OPENSEARCH_AUTH: 'sigv4', AWS_REGION: 'seoul' }).map(
        (i) => i.variable,
      ),
    ).toEqual(['AWS_REGION']);
  });

  it('refuses an unknown OPENSEARCH_AWS_SERVICE', () => {
    expect(
      refusal({
        OPENSEARCH_URL: 'https://os.example',
        OPENSEARCH_AUTH: 'sigv4',
        AWS_REGION: 'ap-northeast-2',
        OPENSEARCH_AWS_SERVICE: 'opensearch',
      }).map((i) => i.variable),
    ).toEqual(['OPENSEARCH_AWS_SERVICE']);
  });

  it('refuses basic without a user and password in the URL, and a password in the URL without basic', () => {
    expect(
      refusal({ OPENSEARCH_URL: 'https://os.example', OPENSEARCH_AUTH: 'basic' }).map((i) => i.variable),
    ).toEqual(['OPENSEARCH_URL']);
    expect(refusal({ OPENSEARCH_URL: 'https://u:p@os.example' }).map((i) => i.variable)).toEqual([
      'OPENSEARCH_AUTH',
    ]);
    expect(
      refusal({
        OPENSEARCH_URL: 'https://u:p@os.example',
        OPENSEARCH_AUTH: 'sigv4',
        AWS_REGION: 'ap-northeast-2',
      }).map((i) => i.variable),
    ).toEqual(['OPENSEARCH_AUTH']);
  });

  it('takes sigv4 with a region, and leaves the PostgreSQL backend alone', () => {
    expect(
      refusal({
        OPENSEARCH_URL: 'https://os.example',
        OPENSEARCH_AUTH: 'sigv4',
        AWS_REGION: 'ap-northeast-2',
      }),
    ).toEqual([]);
    expect(refusal({ SEARCH_BACKEND: 'postgres' })).toEqual([]);
  });
});
