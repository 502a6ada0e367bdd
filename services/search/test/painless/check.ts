/**
 * Compiles search's painless scripts with OpenSearch's own Painless (lang-painless 2.19, fetched
 * with Maven; needs Java 17 and mvn, so it is not part of the test run) and runs the orders
 * script over late, first and repeated events in it and as JavaScript (as
 * test/opensearch-orders.unit.test.ts does): both must leave the same documents.
 *   node services/search/test/painless/check.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTENT_SCRIPT, DELETE_SCRIPT, STOCK_SCRIPT } from '../../src/backends/opensearch-requests.ts';
import {
  ORDER_SCRIPT,
  type OrderUpdate,
  orderCreatedUpdate,
  orderRefundUpdate,
  orderStatusUpdate,
} from '../../src/backends/orders-opensearch-requests.ts';
import { twoSellerOrder } from '../order-fixture.ts';
import { runAsJavaScript } from '../painless.ts';

const here = import.meta.dirname;
const work = join(here, '../../../../.run/painless');
mkdirSync(work, { recursive: true });
if (!existsSync(join(work, 'lib'))) {
  execFileSync(
    'mvn',
    [
      '-q',
      '-f',
      join(here, 'pom.xml'),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${join(work, 'lib')}`,
    ],
    {
      stdio: 'inherit',
    },
  );
}
execFileSync('javac', ['-cp', `${work}/lib/*`, '-d', join(work, 'classes'), join(here, 'Check.java')], {
  stdio: 'inherit',
});

/** Runs `source` in Painless as an update script over each scenario's params; the final document of each. */
function painless(
  source: string,
  scenarios: unknown[][],
): { ops: string[]; source: Record<string, unknown> }[] {
  writeFileSync(join(work, 'script.painless'), source);
  writeFileSync(join(work, 'scenarios.json'), JSON.stringify(scenarios));
  const out = execFileSync(
    'java',
    [
      // OpenSearch's classes log through Log4j, which has no provider here: its simple logger.
      '-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory',
      '-cp',
      `${work}/classes:${work}/lib/*`,
      'Check',
      join(work, 'script.painless'),
      join(work, 'scenarios.json'),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

function javascript(source: string, scenarios: unknown[][]) {
  return scenarios.map((sc) => {
    let doc: Record<string, unknown> | undefined;
    const ops: string[] = [];
    for (const p of sc) {
      const r = runAsJavaScript(source, doc, p);
      ops.push(r.op);
      if (r.op !== 'none') doc = r.source;
    }
    return { ops, source: doc ?? {} };
  });
}

for (const [name, source] of Object.entries({ CONTENT_SCRIPT, STOCK_SCRIPT, DELETE_SCRIPT })) {
  painless(source, []);
  console.log(`${name}: compiles`);
}

const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
const created = (createdAt = at(0)) => orderCreatedUpdate('orders', twoSellerOrder(createdAt));
const status = (st: string, s: number) =>
  orderStatusUpdate('orders', { orderId: 'o-1', userId: 'u-1', status: st, at: at(s) });
const refund = (refundId: string, amount: number, s: number) =>
  orderRefundUpdate('orders', {
    orderId: 'o-1',
    userId: 'u-1',
    refundRequestId: null,
    refundId,
    amount,
    items: [],
    completedAt: at(s),
  });
const scenarios: OrderUpdate[][] = [
  [created()],
  [status('REFUND_REQUESTED', 10), created()],
  [status('CANCELLED', 0), created(at(1))],
  [created(), status('COMPLETED', 20), status('CANCELLED', 5)],
  [created(), status('COMPLETED', 20), status('CANCELLED', 20)],
  [created(), refund('r-1', 10_000, 20), refund('r-1', 10_000, 20)],
  [created(), refund('r-1', 10_000, 20), status('CANCELLED', 5), refund('r-2', 15_000, 30)],
  [created(), status('COMPLETED', 50), refund('r-1', 10_000, 20)],
  [refund('r-1', 1_000, 5), created(), refund('r-1', 1_000, 5)],
];
const params = scenarios.map((sc) => sc.map((u) => u.body.script.params));
const sorted = (v: unknown) =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x,
  );
const real = painless(ORDER_SCRIPT, params);
const js = javascript(ORDER_SCRIPT, params);
const differ = real.map((r, i) => [i, sorted(r), sorted(js[i])] as const).filter(([, a, b]) => a !== b);
for (const [i, a, b] of differ) console.log(`scenario ${i}:\n  painless   ${a}\n  javascript ${b}`);
console.log(
  `ORDER_SCRIPT: ${real.length - differ.length} of ${real.length} scenarios alike in Painless and as JavaScript`,
);
if (differ.length) process.exitCode = 1;
