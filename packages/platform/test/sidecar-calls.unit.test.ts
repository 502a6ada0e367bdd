/**
 * The kit's direct calls to its sidecar (bulk publish, state transactions, health), not through
 * the SDK, against a stand-in sidecar: how what daprd answers is read.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDapr, StateConflictError } from '../src/dapr.ts';

let answer: (req: IncomingMessage, body: string) => { status: number; body?: string } = () => ({
  status: 204,
});
const seen: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];
const sidecar = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    seen.push({ url: req.url ?? '', headers: req.headers, body });
    const a = answer(req, body);
    res.statusCode = a.status;
    res.end(a.body ?? '');
  });
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((r) => sidecar.listen(0, '127.0.0.1', r));
  port = (sidecar.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => sidecar.close(() => r())));

const dapr = () => createDapr({ host: '127.0.0.1', httpPort: port, apiToken: 'tok', caller: 'order' });
const entries = [
  { entryId: '1', event: { eventId: 'e-1', note: '주문' }, metadata: {} },
  { entryId: '2', event: { eventId: 'e-2' }, metadata: {} },
];

describe("the kit's direct calls to its sidecar", () => {
  it('publishes in bulk: all accepted, some failed by entryId, or none known to be published', async () => {
    answer = () => ({ status: 204 });
    seen.length = 0;
    expect(await dapr().publishBulk('pubsub', 'order.created', entries)).toEqual(new Map());
    expect(seen[0]).toMatchObject({
      url: '/v1.0-alpha1/publish/bulk/pubsub/order.created',
      headers: { 'content-type': 'application/json', 'dapr-api-token': 'tok' },
    });
    expect(JSON.parse(seen[0]!.body)[0]).toMatchObject({ entryId: '1', event: { note: '주문' } });

    answer = () => ({
      status: 500,
      body: JSON.stringify({ failedEntries: [{ entryId: '2', error: 'broker down' }] }),
    });
    expect(await dapr().publishBulk('pubsub', 'order.created', entries)).toEqual(
      new Map([['2', 'broker down']]),
    );

    answer = () => ({ status: 500, body: 'oops' });
    expect([...(await dapr().publishBulk('pubsub', 'order.created', entries)).keys()]).toEqual(['1', '2']);

    const down = createDapr({ host: '127.0.0.1', httpPort: 1, caller: 'order' });
    const failed = await down.publishBulk('pubsub', 'order.created', entries);
    expect([...failed.keys()]).toEqual(['1', '2']);
    expect(failed.get('1')).toMatch(/publish to order.created failed/);
  });

  it('saves a state transaction, and tells a lost ETag from another failure', async () => {
    answer = () => ({ status: 204 });
    await dapr().saveStates('notifications', [{ key: 'k', value: { items: [] }, etag: '3' }]);
    answer = () => ({
      status: 500,
      body: '{"errorCode":"ERR_STATE_TRANSACTION","message":"failed to set key k"}',
    });
    await expect(
      dapr().saveStates('notifications', [{ key: 'k', value: 1, etag: '3' }]),
    ).rejects.toBeInstanceOf(StateConflictError);
    answer = () => ({ status: 500, body: 'disk full' });
    await expect(dapr().saveStates('notifications', [{ key: 'k', value: 1, etag: '3' }])).rejects.toThrow(
      /answered 500: disk full/,
    );
  });

  it('is healthy only when the sidecar answers 2xx', async () => {
    answer = () => ({ status: 204 });
    expect(await dapr().healthy()).toBe(true);
    answer = () => ({ status: 500 });
    expect(await dapr().healthy()).toBe(false);
    expect(await createDapr({ host: '127.0.0.1', httpPort: 1, caller: 'order' }).healthy()).toBe(false);
  });
});
