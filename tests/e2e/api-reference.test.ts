/**
 * The one API reference through the gateway: the merged document at /api/openapi.json (the
 * generated file, public routes only), the interactive reference at /api/docs with its assets
 * served locally, and the error codes page that problem `type` URIs point at.
 */
import { readFileSync } from 'node:fs';
import { apiDocumentFile } from '@mp/contracts';
import { describe, expect, it } from 'vitest';
import { api, base } from './lib.ts';

describe('the API reference through the gateway', () => {
  it('serves the merged public document at /api/openapi.json', async () => {
    const res = await api('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(readFileSync(apiDocumentFile, 'utf8')));
    expect(Object.keys(res.body.paths).some((p) => p.startsWith('/internal'))).toBe(false);
    expect(res.body.paths['/api/v1/orders'].post.operationId).toBe('postOrders');
  });

  it('serves the interactive reference at /api/docs without a CDN', async () => {
    const page = await fetch(`${base()}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const src of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
      expect(src[1], 'served here, not from a CDN').toMatch(/^\/api\/docs\//);
      expect((await fetch(`${base()}${src[1]}`)).status, src[1]).toBe(200);
    }
  });

  it('explains a problem’s code where its `type` points', async () => {
    const res = await api('GET', '/api/v1/orders', {});
    expect(res.status).toBe(401);
    const [path, anchor] = String(res.body.type).split('#');
    expect(anchor).toBe('unauthenticated');
    const page = await fetch(`${base()}${path}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`id="${anchor}"`);
  });
});
