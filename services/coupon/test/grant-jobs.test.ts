import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tokenFor } from '@mp/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { grantNextBatch, runGrantJobs } from '../src/domain/grant-jobs.ts';
import { claim, couponForFile, newCoupon, userDirectory } from './helpers.ts';

const users = userDirectory();
let admin: string;
const svc = couponForFile({ invoke: users.invoke });
beforeAll(async () => {
  admin = await tokenFor(randomUUID(), 'admin');
});

const start = (couponId: string, token = admin) =>
  svc.call('POST', `/api/v1/coupons/${couponId}/grant-jobs`, { token });
const watch = async (couponId: string, jobId: string) =>
  (await svc.call('GET', `/api/v1/coupons/${couponId}/grant-jobs/${jobId}`, { token: admin })).body;
const holders = async (couponId: string) =>
  (
    await svc.deps.db.selectFrom('user_coupons').select('user_id').where('coupon_id', '=', couponId).execute()
  ).map((r) => r.user_id);
const activeBuyers = () =>
  [...users.accounts.values()]
    .filter((a) => a.role === 'buyer' && a.status === 'ACTIVE')
    .map((a) => a.userId);
/** Whether a worker could take the job now (no dead worker's transaction holds it). */
const lockable = (jobId: string) =>
  svc.deps.db
    .transaction()
    .execute((trx) =>
      trx.selectFrom('grant_jobs').select('id').where('id', '=', jobId).forUpdate().noWait().execute(),
    )
    .then(
      () => true,
      () => false,
    );
async function eventually(ok: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('the killed worker still holds the job');
    await new Promise((r) => setTimeout(r, 100));
  }
}
/** Each test's job is the only one running: the ones before it are finished. */
const finish = () => runGrantJobs(svc.deps, 100);

/** Runs one batch in a child process and SIGKILLs it half-way through the batch's transaction. */
function killMidBatch(pageSize: number, stopAfter: number) {
  return new Promise<void>((resolve, reject) => {
    const child = fork(
      new URL('./fixtures/grant-crash-child.ts', import.meta.url).pathname,
      [JSON.stringify({ schema: svc.schema, accounts: [...users.accounts.values()], pageSize, stopAfter })],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    let seen = false;
    child.on('message', (m: { step: string }) => {
      if (m.step !== 'mid-batch') return reject(new Error('the child finished its batch before the kill'));
      seen = true;
      child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) =>
      seen && signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited (${signal})`)),
    );
  });
}

describe('issuing a platform coupon to every active buyer (전체 발급)', () => {
  it('pages through the buyers in batches, resumes from its cursor after a crash, never grants twice', async () => {
    for (let i = 0; i < 250; i++) users.add();
    users.add('buyer', 'SUSPENDED');
    users.add('seller');
    const coupon = await newCoupon(svc);
    // Two buyers hold it already: they are counted, not granted again.
    const early = activeBuyers().slice(0, 2);
    for (const u of early) expect((await claim(svc, coupon.id, u)).status).toBe(201);

    const started = await start(coupon.id);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'RUNNING', granted: 0, batches: 0 });
    const again = await start(coupon.id);
    expect([again.status, again.body.jobId]).toEqual([200, started.body.jobId]);

    // One batch, then a worker killed half-way through the second: its grants roll back with it.
    expect(await grantNextBatch(svc.deps, 100)).toBe(true);
    const afterOne = await watch(coupon.id, started.body.jobId);
    expect(afterOne).toMatchObject({ status: 'RUNNING', batches: 1, usersSeen: 100 });
    await killMidBatch(100, 40);
    expect(await watch(coupon.id, started.body.jobId)).toMatchObject({ batches: 1, usersSeen: 100 });

    // Another worker picks the job up where the last commit left it (once PostgreSQL has seen the
    // killed worker's connection go and released its lock on the job).
    await eventually(() => lockable(started.body.jobId));
    expect(await finish()).toBe(2);
    const done = await watch(coupon.id, started.body.jobId);
    const buyers = activeBuyers();
    expect(done).toMatchObject({
      status: 'COMPLETED',
      batches: 3,
      usersSeen: buyers.length,
      granted: buyers.length - 2,
      alreadyHeld: 2,
      notGranted: 0,
    });
    expect(done.finishedAt).not.toBeNull();
    const held = await holders(coupon.id);
    expect(held).toHaveLength(buyers.length);
    expect(new Set(held)).toEqual(new Set(buyers));
    const events = (await svc.outbox('coupon.issued')).filter((e) => e.data.couponId === coupon.id);
    expect(events).toHaveLength(buyers.length);
    expect(new Set(events.map((e) => e.data.userId)).size).toBe(buyers.length);
    expect((await svc.call('GET', `/api/v1/coupons/${coupon.id}`)).body.issuedCount).toBe(buyers.length);
    // Finished: a new job may start for the coupon (and grants no one twice).
    const rerun = await start(coupon.id);
    expect(rerun.status).toBe(202);
    await finish();
    expect(await watch(coupon.id, rerun.body.jobId)).toMatchObject({
      status: 'COMPLETED',
      granted: 0,
      alreadyHeld: buyers.length,
    });
  });

  it('stops when the coupon runs out, having granted exactly its quantity', async () => {
    const coupon = await newCoupon(svc, { totalQuantity: 120 });
    const job = (await start(coupon.id)).body;
    await finish();
    expect(await watch(coupon.id, job.jobId)).toMatchObject({
      status: 'STOPPED',
      stoppedReason: 'COUPON_EXHAUSTED',
      granted: 120,
    });
    expect(await holders(coupon.id)).toHaveLength(120);
  });

  it('stops when the coupon is deleted mid-way', async () => {
    const coupon = await newCoupon(svc);
    const job = (await start(coupon.id)).body;
    await grantNextBatch(svc.deps, 100);
    await svc.call('DELETE', `/api/v1/coupons/${coupon.id}`, { token: admin });
    await finish();
    expect(await watch(coupon.id, job.jobId)).toMatchObject({
      status: 'STOPPED',
      stoppedReason: 'COUPON_NOT_FOUND',
      granted: 100,
    });
    // The batch that found the coupon gone rolled back whole: only the first batch holds it.
    expect(await holders(coupon.id)).toHaveLength(100);
    expect((await svc.outbox('coupon.issued')).filter((e) => e.data.couponId === coupon.id)).toHaveLength(
      100,
    );
  });

  it("is the admins' alone, for platform coupons; jobs are watched under their coupon", async () => {
    const sellerId = randomUUID();
    const seller = await tokenFor(sellerId, 'seller');
    const own = await newCoupon(svc, {}, seller);
    expect((await start(own.id, seller)).status).toBe(403);
    expect((await start(own.id)).body.code).toBe('COUPON_SELLER_FUNDED');
    expect((await start(randomUUID())).status).toBe(404);
    const coupon = await newCoupon(svc);
    const job = (await start(coupon.id)).body;
    const other = await newCoupon(svc);
    expect(
      (await svc.call('GET', `/api/v1/coupons/${other.id}/grant-jobs/${job.jobId}`, { token: admin })).status,
    ).toBe(404);
    expect(
      (await svc.call('GET', `/api/v1/coupons/${coupon.id}/grant-jobs/${job.jobId}`, { token: seller }))
        .status,
    ).toBe(403);
    await finish();
  });
});
