/**
 * The API reference, served by the one service that hosts it (auth) and so routed by the gateway
 * and the Ingress like any other prefix: the merged public document at /api/openapi.json, an
 * interactive reference (Swagger UI, from the swagger-ui-dist package, served from here so that
 * it needs no CDN) at /api/docs, and the error codes that problem `type` URIs point at, /api/errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiDocumentFile, errorCodesFile } from '@mp/contracts';
import type { App } from './app.ts';
import { ERRORS_PATH, notFound, problemType } from './errors.ts';

const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const docsPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Marketplace API reference</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="/api/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/api/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
`;

const initScript = `window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  persistAuthorization: true,
  displayOperationId: true,
  filter: true,
  tryItOutEnabled: false,
  docExpansion: 'none',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
`;

interface ErrorCode {
  code: string;
  status: number;
  from: string[];
  detail: string;
}

function errorsPage(codes: ErrorCode[]): string {
  const seen = new Set<string>();
  const rows = codes
    .map((c) => {
      const id = problemType(c.code).split('#')[1]!;
      // A code answered with two statuses has two rows; the link goes to the first.
      const anchor = seen.has(id) ? '' : ` id="${id}"`;
      seen.add(id);
      return `<tr${anchor}><td><a href="#${id}"><code>${escapeHtml(c.code)}</code></a></td><td>${c.status}</td><td>${escapeHtml(c.from.join(', '))}</td><td>${escapeHtml(c.detail)}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Marketplace API error codes</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
tr:target{background:#fff3c4}</style></head>
<body><h1>Error codes</h1>
<p>Every error is RFC 9457 <code>application/problem+json</code> with a stable <code>code</code>; its
<code>type</code> links here. "kit" codes can come from any route they apply to. The operations and
the codes each can return: <a href="/api/docs">the API reference</a>.</p>
<table><thead><tr><th>code</th><th>status</th><th>from</th><th>detail (example)</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}

/** Mounts /api/openapi.json, /api/docs (with its assets from `swaggerUiDir`) and /api/errors. */
export function apiReference(app: App, opts: { swaggerUiDir: string }): void {
  let document: string | undefined;
  let errors: string | undefined;
  const cache = { 'cache-control': 'public, max-age=300' };
  app.get('/api/openapi.json', (c) => {
    document ??= readFileSync(apiDocumentFile, 'utf8');
    return c.body(document, 200, { 'content-type': 'application/json; charset=utf-8', ...cache });
  });
  app.get('/api/docs', (c) => c.html(docsPage, 200, cache));
  app.get('/api/docs/init.js', (c) =>
    c.body(initScript, 200, { 'content-type': 'text/javascript; charset=utf-8', ...cache }),
  );
  app.get('/api/docs/assets/:file', (c) => {
    const file = c.req.param('file');
    const type = assets[file];
    if (!type) throw notFound('ROUTE_NOT_FOUND', `No such asset: ${file}`);
    return c.body(readFileSync(join(opts.swaggerUiDir, file)), 200, {
      'content-type': type,
      'cache-control': 'public, max-age=86400',
    });
  });
  app.get(ERRORS_PATH, (c) => {
    errors ??= errorsPage(JSON.parse(readFileSync(errorCodesFile, 'utf8')) as ErrorCode[]);
    return c.html(errors, 200, cache);
  });
}
