/**
 * What sign-ups leave in the sidecars: their Prometheus series and their memory. Signs up `n` buyers
 * through the gateway (each sends a verification mail: notification fetches the verification from
 * auth by its id), waits for the mails, and prints each sidecar's series count and RSS before and after.
 *   MP_STACK=3 node bench/sidecar-series.ts [n=300]
 */
import { type ServiceName, serviceNames } from '@mp/contracts';
import { portsOf } from '../scripts/stack/ports.ts';
import { rss } from './lib/cpu.ts';
import { buyers } from './lib/market.ts';

const n = Number(process.argv[2] ?? 300);

async function series(name: ServiceName): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${portsOf(name).metrics}/metrics`)).text();
  return text.split('\n').filter((l) => l && !l.startsWith('#')).length;
}

async function snapshot() {
  const mb = rss();
  return Object.fromEntries(
    await Promise.all(
      serviceNames.map(async (s) => [s, { series: await series(s), rss: mb.get(`${s}-dapr`)! }] as const),
    ),
  );
}

const mailsFetched = async () => {
  const text = await (await fetch(`http://127.0.0.1:${portsOf('auth').metrics}/metrics`)).text();
  return text
    .split('\n')
    .filter(
      (l) => l.startsWith('dapr_http_client_completed_count') && l.includes('/internal/email-verifications/'),
    )
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
};

const before = await snapshot();
const fetchedBefore = await mailsFetched();
const started = Date.now();
await buyers(n);
// The verification mails go out as notification takes user.created in batches.
while ((await mailsFetched()) - fetchedBefore < n && Date.now() - started < 300_000)
  await new Promise((r) => setTimeout(r, 1000));
const after = await snapshot();

console.log(`\n${n} sign-ups: ${(await mailsFetched()) - fetchedBefore} verifications fetched from auth`);
console.log('sidecar        series before → after   RSS MB before → after');
for (const s of serviceNames) {
  const b = before[s]!;
  const a = after[s]!;
  if (a.series === b.series && Math.abs(a.rss - b.rss) < 1) continue;
  console.log(
    `${s.padEnd(14)} ${String(b.series).padStart(6)} → ${String(a.series).padEnd(10)} ${b.rss.toFixed(1).padStart(6)} → ${a.rss.toFixed(1)}`,
  );
}
