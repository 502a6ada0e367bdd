/**
 * A real browser on another origin: Debian's Chromium (scripts/lib/tools.sh ensure_browser),
 * driven by playwright-core, opens a storefront page served from the stack's storefront origin
 * (an allowed CORS origin, another port than the gateway's). The page, using the typed client
 * bundled by esbuild, signs in, lists products and places an order through the gateway. The
 * same page on an origin that is not allowed cannot read the API. The test also opens the API
 * reference at /api/docs and keeps a screenshot (.run/artifacts/api-docs-stack-N.png).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackNumber, storefrontPortOf } from '../../scripts/stack/ports.ts';
import { adminToken, api, base, uniqueEmail } from './lib.ts';
import { category, listedProduct, verifiedSeller } from './ordering-lib.ts';

const root = join(import.meta.dirname, '..', '..');
const artifacts = join(root, '.run', 'artifacts');
const password = 'correct horse battery';

async function serveStorefront(port: number): Promise<Server> {
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, 'browser', 'storefront.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
  });
  const js = bundle.outputFiles[0]!.text;
  const html =
    '<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>스토어</title></head>' +
    '<body><h1>테스트 스토어</h1><p id="status">…</p><script src="/storefront.js"></script></body></html>';
  const server = createServer((req, res) => {
    if (req.url === '/storefront.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

let context: BrowserContext;
let profile: string;
const servers: Server[] = [];

beforeAll(async () => {
  profile = mkdtempSync(join(tmpdir(), 'mp-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
});

afterAll(async () => {
  await context?.close();
  for (const s of servers) s.close();
  rmSync(profile, { recursive: true, force: true });
});

describe('a storefront in Chromium on another origin', () => {
  it('signs in, lists products and places an order through the gateway with the typed client', async () => {
    const admin = await adminToken();
    const categoryId = await category(admin);
    await listedProduct(admin, await verifiedSeller(admin), {
      categoryId,
      name: '브라우저 머그컵',
      price: 12_000,
      stock: 4,
    });
    const email = uniqueEmail('browser');
    const signup = await api('POST', '/api/v1/users', {
      body: { email, password, name: '최브라', role: 'buyer' },
    });
    expect(signup.status, JSON.stringify(signup.body)).toBe(201);

    servers.push(await serveStorefront(storefrontPortOf()));
    const page = await context.newPage();
    const origin = `http://localhost:${storefrontPortOf()}`;
    await page.goto(origin);
    expect(new URL(base()).origin).not.toBe(origin);
    const result = await page.evaluate(
      (shop) =>
        (window as never as { storefront: { run(s: unknown): Promise<unknown> } }).storefront.run(shop),
      { api: base(), email, password, categoryId, quantity: 2 },
    );
    expect(result).toMatchObject({
      step: 'done',
      productNames: ['브라우저 머그컵'],
      order: { status: 'PENDING_PAYMENT' },
    });
    expect((result as { requestId: string | null }).requestId).toBeTruthy();
    await expect.poll(() => page.textContent('#status')).toContain('PENDING_PAYMENT');
    await page.close();
  });

  it('cannot read the API from an origin that is not allowed', async () => {
    const server = await serveStorefront(0);
    servers.push(server);
    const page = await context.newPage();
    await page.goto(`http://localhost:${(server.address() as AddressInfo).port}`);
    const probe = await page.evaluate(
      (url) =>
        (window as never as { storefront: { probe(u: string): Promise<unknown> } }).storefront.probe(url),
      `${base()}/api/v1/auth/login`,
    );
    expect(probe).toMatchObject({ failed: expect.stringContaining('Failed to fetch') });
    await page.close();
  });

  it('renders the API reference at /api/docs (screenshot kept as an artifact)', async () => {
    const page = await context.newPage();
    await page.goto(`${base()}/api/docs`);
    await page.waitForSelector('.swagger-ui .opblock-tag', { timeout: 30_000 });
    // One section per resource (tag), with the document's title above them.
    await expect.poll(() => page.locator('.swagger-ui .opblock-tag').count()).toBeGreaterThan(30);
    expect(await page.textContent('.swagger-ui .info .title')).toContain('Marketplace API');
    await page
      .locator('.swagger-ui .opblock-tag', { hasText: /^orders/ })
      .first()
      .click();
    await page.waitForSelector('#operations-orders-postOrders');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, `api-docs-stack-${stackNumber()}.png`), fullPage: false });
    await page.close();
  });
});
