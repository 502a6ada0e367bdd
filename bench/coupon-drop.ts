/**
 * The coupon drop through the gateway (선착순 쿠폰): 1,000 claims at once for a coupon with 100 to
 * give, on the running stack.
 *   MP_STACK=N node bench/coupon-drop.ts [buyers=250] [claims=1000] [quantity=100]
 * The claims are spread over `buyers` buyers (each may hold the coupon once; signing buyers up
 * hashes passwords, so a few hundred stand in for a thousand). Prints the answers, how many were
 * issued (must be exactly `quantity`), the coupon's count afterwards and latency percentiles;
 * exits non-zero when the count is not exact.
 */
import { cpuBetween, cpuBreakdown, sampleCpu } from './lib/cpu.ts';
import { post } from './lib/load.ts';
import { adminToken, buyer, call, fmt, type Party } from './lib/market.ts';

const buyerCount = Number(process.argv[2] ?? 250);
const claims = Number(process.argv[3] ?? 1000);
const quantity = Number(process.argv[4] ?? 100);
const admin = await adminToken();
const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
const created = await call('POST', '/api/v1/coupons', {
  token: admin,
  body: {
    name: '선착순 벤치 쿠폰',
    type: 'FIXED',
    value: 3000,
    minOrderAmount: 10_000,
    totalQuantity: quantity,
    validFrom: hours(-1),
    validUntil: hours(24),
  },
});
if (created.status !== 201) throw new Error(`coupon not created: ${JSON.stringify(created.body)}`);
const couponId = created.body.id as string;
// Signing up hashes passwords; on a loaded machine a sign-in can outwait its 10 s and is tried again.
const buyers: Party[] = [];
while (buyers.length < buyerCount) {
  const made = await Promise.allSettled(
    Array.from({ length: Math.min(4, buyerCount - buyers.length) }, () => buyer()),
  );
  buyers.push(...made.flatMap((m) => (m.status === 'fulfilled' ? [m.value] : [])));
}

const cpuBefore = await sampleCpu();
const run = await post({
  path: `/api/v1/coupons/${couponId}/issue`,
  tokens: buyers.map((b) => b.token),
  connections: claims,
  amount: claims,
  answer: (status, text) => {
    if (status === 201) return '201';
    try {
      return `${status} ${(JSON.parse(text) as { code?: string }).code ?? ''}`;
    } catch {
      return `${status}`;
    }
  },
});
const answers = run.byStatus;
const cpuAfter = await sampleCpu();
const after = (await call('GET', `/api/v1/coupons/${couponId}`, { token: admin })).body;
const l = run.latency;

console.log(`
coupon drop: ${claims} claims at once from ${buyers.length} buyers for ${quantity} coupons, through the gateway
  done in          ${fmt(run.seconds, 2)} s   answers: ${JSON.stringify(answers)}
  issued           ${answers['201'] ?? 0} (the coupon says ${after.issuedCount} of ${after.totalQuantity})
  latency (ms)     p50 ${fmt(l.p50)}  p95 ${fmt(l.p95)}  p99 ${fmt(l.p99)}  max ${fmt(l.max)}
  CPU              ${fmt(cpuBetween(cpuBefore, cpuAfter), 2)} CPU s the stack, ${fmt(run.clientCpu, 2)} CPU s this bench's own client (autocannon)
  CPU by process   ${cpuBreakdown(cpuBefore, cpuAfter)
    .map(([n, s]) => `${n} ${fmt(s, 2)}`)
    .join(', ')}
`);
if ((answers['201'] ?? 0) !== quantity || after.issuedCount !== quantity) {
  console.error(`not exact: ${answers['201'] ?? 0} issued, the coupon counts ${after.issuedCount}`);
  process.exit(1);
}
