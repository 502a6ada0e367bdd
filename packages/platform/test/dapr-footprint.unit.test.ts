/**
 * The kit loads only the Dapr SDK's HTTP client: the package root would also load its gRPC client,
 * its servers and their protocol descriptors (~47 MB of every app's memory). Checked in a fresh
 * process, since the test runner's own module cache is shared between test files.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const daprModule = fileURLToPath(new URL('../src/dapr.ts', import.meta.url));

describe("the kit's Dapr client", () => {
  it('loads neither the SDK root nor its gRPC parts', () => {
    const script = `
      const { createRequire } = await import('node:module');
      const { createDapr } = await import(${JSON.stringify(daprModule)});
      createDapr({ host: '127.0.0.1', httpPort: 3500, caller: 'order' });
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(loaded.filter((f) => f.includes('@dapr') || f.includes('grpc') || f.includes('connectrpc'))));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const loaded: string[] = JSON.parse(out.trim().split('\n').at(-1) ?? '[]');
    expect(loaded.some((f) => f.includes('implementation/Client/HTTPClient/HTTPClient.js'))).toBe(true);
    expect(loaded.filter((f) => f.endsWith('/@dapr/dapr/index.js') || /grpc|connectrpc/.test(f))).toEqual([]);
  });
});
