/**
 * Coupon grants in-process against real PostgreSQL (user's `GET /internal/users/{id}` and its paging answered by
 * an in-memory double, so these are the coupon service's own costs):
 *   MP_STACK=N bash -c 'source scripts/lib/infra.sh && node services/coupon/bench/grants.bench.ts [buyers]'
 * Measures a grant to every active buyer (전체 발급: batches of 100, each one transaction with its
 * coupon.issued outbox rows) and grants of 1,000 listed users. Prints figures; asserts only that
 * every buyer got the coupon once.
 */
import { randomUUID } from 'node:crypto';
import { ensureTestDatabase, measure, startTestService, tokenFor } from '@mp/platform/testing';
import { runGrantJobs } from '../src/domain/grant-jobs.ts';
import { service } from '../src/service.ts';
import { newCoupon, userDirectory } from '../test/helpers.ts';

const buyers = Number(process.argv[2] ?? 20_000);
ensureTestDatabase();
const users = userDirectory();
for (let i = 0; i < buyers; i++) users.add();
const svc = await startTestService(service, { invoke: users.invoke, env: { DB_POOL_MAX: '10' } });
const admin = await tokenFor(randomUUID(), 'admin');
try {
  const everyone = await newCoupon(svc, { name: '전체 발급 벤치' }, admin);
  const job = await svc.call('POST', `/api/v1/coupons/${everyone.id}/grant-jobs`, { token: admin });
  await measure('grant to every active buyer (batches of 100)', async () => ({
    n: await runGrantJobs(svc.deps, 100).then(async () => {
      const j = await svc.call('GET', `/api/v1/coupons/${everyone.id}/grant-jobs/${job.body.jobId}`, {
        token: admin,
      });
      if (j.body.status !== 'COMPLETED' || j.body.granted !== buyers) throw new Error(JSON.stringify(j.body));
      return j.body.granted as number;
    }),
    unit: 'users',
  }));

  const listed = await newCoupon(svc, { name: '사용자별 발급 벤치' }, admin);
  const ids = [...users.accounts.keys()];
  const requests = Math.min(10, Math.floor(buyers / 1000));
  await measure('grants of 1,000 listed users, one request after another', async () => {
    const latencies: number[] = [];
    for (let r = 0; r < requests; r++) {
      const t = performance.now();
      const res = await svc.call('POST', `/api/v1/coupons/${listed.id}/grants`, {
        token: admin,
        body: { userIds: ids.slice(r * 1000, r * 1000 + 1000) },
      });
      if (res.status !== 200 || res.body.granted.length !== 1000)
        throw new Error(JSON.stringify(res.body).slice(0, 300));
      latencies.push(performance.now() - t);
    }
    return { n: requests * 1000, unit: 'users', latencies: latencies.sort((a, b) => a - b) };
  });
} finally {
  await svc.close();
}
