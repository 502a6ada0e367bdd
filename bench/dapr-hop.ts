/**
 * What a Dapr hop adds: the same request answered by auth's public JWKS route
 * (`GET /.well-known/jwks.json`, the call every app's token verifier makes), once straight to the
 * app and once by service invocation from order's sidecar (order's sidecar → auth's sidecar →
 * auth), on the running stack.
 *   MP_STACK=N node bench/dapr-hop.ts [samples=500]
 * The two ways alternate, one request at a time, after a warm-up; prints p50/p95/p99 of each and
 * what the hop adds.
 */

import { portsOf } from '../scripts/stack/ports.ts';
import { localSecrets } from '../scripts/stack/secrets.ts';
import { fmt, percentiles } from './lib/market.ts';

const samples = Number(process.argv[2] ?? 500);
const path = '/.well-known/jwks.json';
const direct = `http://127.0.0.1:${portsOf('auth').app}${path}`;
const invoked = `http://127.0.0.1:${portsOf('order').daprHttp}/v1.0/invoke/auth/method${path}`;
const sidecarToken = { 'dapr-api-token': localSecrets().daprApiTokens.order };

async function once(url: string, headers: Record<string, string> = {}): Promise<number> {
  const t = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return performance.now() - t;
}

for (let i = 0; i < 50; i++) {
  await once(direct);
  await once(invoked, sidecarToken);
}
const a: number[] = [];
const b: number[] = [];
for (let i = 0; i < samples; i++) {
  a.push(await once(direct));
  b.push(await once(invoked, sidecarToken));
}
const [p, q] = [percentiles(a), percentiles(b)];
console.log(`
the Dapr hop: GET ${path} on auth, ${samples} of each, alternating, one at a time
  straight to the app        p50 ${fmt(p.p50, 2)}  p95 ${fmt(p.p95, 2)}  p99 ${fmt(p.p99, 2)} ms
  through two sidecars       p50 ${fmt(q.p50, 2)}  p95 ${fmt(q.p95, 2)}  p99 ${fmt(q.p99, 2)} ms
  the hop adds (p50)         ${fmt(q.p50 - p.p50, 2)} ms
`);
