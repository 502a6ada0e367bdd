/**
 * The Dapr SDK's HTTP client sends through the kit's transport (node's HTTP client on the SDK's
 * keep-alive agent, not node-fetch): what the SDK reads of an answer is the same.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDapr, StateConflictError } from '../src/dapr.ts';
import { ApiError } from '../src/errors.ts';

let handle: (req: IncomingMessage, body: string, res: ServerResponse) => void = () => {};
const sidecar = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (body += c));
  // The SDK asks for the sidecar's metadata before its first call.
  req.on('end', () => (req.url === '/v1.0/metadata' ? res.end('{"id":"order"}') : handle(req, body, res)));
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((r) => sidecar.listen(0, '127.0.0.1', r));
  port = (sidecar.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => sidecar.close(() => r())));

describe("the Dapr SDK's transport", () => {
  it("is the kit's, and sends the SDK's request as the SDK built it", async () => {
    const dapr = createDapr({ host: '127.0.0.1', httpPort: port, caller: 'order', apiToken: 'tok' });
    const HTTPClient = createRequire(import.meta.url)(
      '@dapr/dapr/implementation/Client/HTTPClient/HTTPClient.js',
    ).default as { client: { kit?: boolean } };
    expect(HTTPClient.client.kit).toBe(true);
    let seen: { method?: string; url?: string; headers?: IncomingMessage['headers']; body?: string } = {};
    handle = (req, body, res) => {
      seen = { method: req.method, url: req.url, headers: req.headers, body };
      res.writeHead(200, { 'content-type': 'application/json' });
      // An answer in several writes, a multi-byte character split between two of them.
      const bytes = Buffer.from(JSON.stringify({ items: [{ sku: '상품-1', available: 3 }] }));
      const cut = bytes.indexOf(Buffer.from('상')) + 1;
      res.write(bytes.subarray(0, cut));
      setTimeout(() => res.end(bytes.subarray(cut)), 5);
    };
    const reply = await dapr.invoke('inventory', '/internal/availability', { body: { skus: ['상품-1'] } });
    expect(reply).toEqual({ items: [{ sku: '상품-1', available: 3 }] });
    expect(seen).toMatchObject({
      method: 'POST',
      url: '/v1.0/invoke/inventory/method/internal/availability',
      body: JSON.stringify({ skus: ['상품-1'] }),
    });
    expect(seen.headers).toMatchObject({
      'dapr-api-token': 'tok',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(seen.body!)),
    });
    expect(seen.headers?.['user-agent']).toMatch(/^dapr-sdk-js\//);
    await dapr.stop();
  });

  it("passes a callee's problem on", async () => {
    const dapr = createDapr({ host: '127.0.0.1', httpPort: port, caller: 'order' });
    handle = (_req, _body, res) => {
      res.writeHead(409, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ status: 409, code: 'OUT_OF_STOCK', detail: 'Nothing left' }));
    };
    const refused = await dapr
      .invoke('inventory', '/internal/reservations', { body: { orderId: 'o-1', items: [] } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 409, code: 'OUT_OF_STOCK', detail: 'Nothing left' });
    await dapr.stop();
  });

  it('refuses an answer cut off before its end', async () => {
    const dapr = createDapr({ host: '127.0.0.1', httpPort: port, caller: 'order' });
    handle = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"items":');
      setTimeout(() => res.socket?.destroy(), 5);
    };
    const cut = await dapr
      .invoke('inventory', '/internal/availability', { body: { skus: [] } })
      .catch((e: unknown) => e);
    expect(cut).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
    await dapr.stop();
  });
});

describe("the kit's own requests to the sidecar", () => {
  it('publish in bulk, reading the failed entries as daprd writes them', async () => {
    const dapr = createDapr({ host: '127.0.0.1', httpPort: port, caller: 'order', apiToken: 'tok' });
    const seen: { url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
    handle = (req, body, res) => {
      seen.push({ url: req.url, headers: req.headers, body });
      const entries = JSON.parse(body) as { entryId: string }[];
      if (entries.length === 1) res.writeHead(204).end();
      else
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ failedEntries: [{ entryId: entries[1]!.entryId, error: 'broker down' }] }));
    };
    const entry = (id: string) => ({ entryId: id, event: { id }, metadata: { 'cloudevent.id': id } });
    expect(await dapr.publishBulk('pubsub', 'order.created', [entry('e-1')])).toEqual(new Map());
    expect(seen[0]).toMatchObject({ url: '/v1.0-alpha1/publish/bulk/pubsub/order.created' });
    expect(seen[0]!.headers).toMatchObject({ 'dapr-api-token': 'tok', 'content-type': 'application/json' });
    expect(JSON.parse(seen[0]!.body)).toEqual([
      {
        entryId: 'e-1',
        event: { id: 'e-1' },
        contentType: 'application/json',
        metadata: { 'cloudevent.id': 'e-1' },
      },
    ]);
    expect(await dapr.publishBulk('pubsub', 'order.created', [entry('e-2'), entry('e-3')])).toEqual(
      new Map([['e-3', 'broker down']]),
    );
    // A sidecar that cannot be reached published none of them.
    const gone = createDapr({ host: '127.0.0.1', httpPort: 1, caller: 'order' });
    const failed = await gone.publishBulk('pubsub', 'order.created', [entry('e-4')]);
    expect([...failed.keys()]).toEqual(['e-4']);
    expect(failed.get('e-4')).toMatch(/^publish to order.created failed: /);
    expect(await gone.healthy()).toBe(false);
    await dapr.stop();
  });

  it('write state in one transaction, a lost write a conflict; and ask for health', async () => {
    const dapr = createDapr({ host: '127.0.0.1', httpPort: port, caller: 'order' });
    handle = (req, body, res) => {
      if (req.url === '/v1.0/healthz/outbound') return res.writeHead(204).end();
      const { operations } = JSON.parse(body) as { operations: { request: { etag: string } }[] };
      if (operations[0]!.request.etag === 'stale') res.writeHead(409).end('possible etag mismatch');
      else res.writeHead(204).end();
    };
    await dapr.saveStates('statestore', [{ key: 'k', value: 1, etag: '1' }]);
    await expect(dapr.saveStates('statestore', [{ key: 'k', value: 1, etag: 'stale' }])).rejects.toThrow(
      StateConflictError,
    );
    expect(await dapr.healthy()).toBe(true);
    await dapr.stop();
  });
});
