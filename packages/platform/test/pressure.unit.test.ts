import { afterEach, describe, expect, it, vi } from 'vitest';
import { Crowd, Pacer, SagaLag } from '../src/pressure.ts';

const ago = (ms: number, now = Date.now()) => new Date(now - ms).toISOString();

afterEach(() => {
  vi.useRealTimers();
});

describe('the crowd at a door', () => {
  it('is a crowd from `crowdAt` inside, stays one `settleMs` after, then says it has gone', async () => {
    vi.useFakeTimers();
    const crowd = new Crowd(3, 250);
    let quiet = 0;
    crowd.onQuiet(() => quiet++);
    const leave = [crowd.enter(), crowd.enter()];
    expect(crowd.crowded).toBe(false);
    leave.push(crowd.enter());
    expect(crowd.crowded).toBe(true);
    leave[0]!();
    leave[0]!(); // leaving twice counts once
    expect(crowd.size).toBe(2);
    expect(crowd.crowded).toBe(true);
    await vi.advanceTimersByTimeAsync(200);
    expect(crowd.crowded).toBe(true);
    expect(quiet).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(crowd.crowded).toBe(false);
    expect(quiet).toBe(1);
  });

  it('says how long it has been a crowd, and 0 once it has gone', async () => {
    vi.useFakeTimers();
    const crowd = new Crowd(2, 100);
    expect(crowd.age).toBe(0);
    const leave = [crowd.enter(), crowd.enter()];
    await vi.advanceTimersByTimeAsync(300);
    expect(crowd.age).toBe(300);
    for (const l of leave) l();
    await vi.advanceTimersByTimeAsync(150);
    expect(crowd.age).toBe(0);
  });

  it('stays a crowd while a new wave comes before it settles', async () => {
    vi.useFakeTimers();
    const crowd = new Crowd(2, 250);
    let quiet = 0;
    crowd.onQuiet(() => quiet++);
    const a = [crowd.enter(), crowd.enter()];
    a[0]!();
    await vi.advanceTimersByTimeAsync(100);
    const b = crowd.enter(); // two inside again
    await vi.advanceTimersByTimeAsync(500);
    expect(crowd.crowded).toBe(true);
    expect(quiet).toBe(0);
    b();
    await vi.advanceTimersByTimeAsync(300);
    expect(crowd.crowded).toBe(false);
    expect(quiet).toBe(1);
  });
});

describe("the sagas' lag", () => {
  it('is the largest lag of the last window, and none once no late event came for two', () => {
    let now = 1_000_000;
    const lag = new SagaLag(1000, () => now);
    expect(lag.ms).toBe(0);
    lag.observe(ago(800, now));
    lag.observe(ago(200, now));
    lag.observe(undefined); // an event without a time says nothing
    expect(lag.ms).toBe(800);
    now += 1200;
    lag.observe(ago(100, now));
    expect(lag.ms).toBe(800); // the previous window still counts
    now += 1000;
    expect(lag.ms).toBe(100);
    now += 2500;
    expect(lag.ms).toBe(0);
  });
});

describe('the pace at the door', () => {
  it('is open while the lag is at or under its target', async () => {
    const lag = new SagaLag();
    lag.observe(ago(300));
    const pacer = new Pacer(lag, { targetMs: 500, maxWaitMs: 1000 });
    expect(await Promise.all([pacer.turn(), pacer.turn(), pacer.turn()])).toEqual([0, 0, 0]);
  });

  it('lets placements in a gap apart, first come first served, while the sagas lag, and widens the gap while they stay behind', async () => {
    vi.useFakeTimers();
    const lag = new SagaLag(1000);
    const pacer = new Pacer(lag, { targetMs: 500, maxWaitMs: 10_000, windowMs: 500 });
    lag.observe(ago(2000));
    const order: number[] = [];
    const turns = [0, 1, 2, 3].map((n) => pacer.turn().then((waited) => order.push(n) && waited));
    await vi.advanceTimersByTimeAsync(1000);
    expect(await Promise.all(turns)).toEqual([0, 50, 100, 150]);
    expect(order).toEqual([0, 1, 2, 3]);
    lag.observe(ago(2000));
    await vi.advanceTimersByTimeAsync(500);
    expect(pacer.gap).toBe(75);
  });

  it('never keeps a placement longer than maxWaitMs, however far behind the sagas are', async () => {
    vi.useFakeTimers();
    const lag = new SagaLag();
    const pacer = new Pacer(lag, { targetMs: 500, maxWaitMs: 300, firstGapMs: 100 });
    lag.observe(ago(60_000));
    const turns = Array.from({ length: 20 }, () => pacer.turn());
    await vi.advanceTimersByTimeAsync(400);
    const waited = await Promise.all(turns);
    expect(Math.max(...waited)).toBe(300);
    expect(waited.slice(0, 4)).toEqual([0, 100, 200, 300]);
    // Those held to the bound did not book the slots beyond it: the next buyer waits one gap at most.
    lag.observe(ago(60_000));
    expect(await pacer.turn()).toBeLessThanOrEqual(100);
  });

  it('opens again as the sagas catch up', async () => {
    vi.useFakeTimers();
    const lag = new SagaLag(1000);
    const pacer = new Pacer(lag, { targetMs: 500, maxWaitMs: 1000, windowMs: 500, firstGapMs: 50 });
    lag.observe(ago(2000));
    expect(pacer.gap).toBe(50);
    // No late event since: the lag falls to none after two windows; the gap narrows, then closes.
    for (let i = 0; i < 20 && pacer.gap; i++) await vi.advanceTimersByTimeAsync(500);
    expect(pacer.gap).toBe(0);
    expect(await pacer.turn()).toBe(0);
  });

  it('is open after a quiet spell however wide the gap was: every window without a late event narrows it', async () => {
    vi.useFakeTimers();
    const lag = new SagaLag(1000);
    const pacer = new Pacer(lag, { targetMs: 500, maxWaitMs: 5000, windowMs: 500, firstGapMs: 50 });
    // The sagas stay behind for a while: the gap widens to its widest (1 s).
    for (let i = 0; i < 12; i++) {
      lag.observe(ago(3000));
      await vi.advanceTimersByTimeAsync(500);
      expect(pacer.gap).toBeGreaterThan(0);
    }
    expect(pacer.gap).toBe(1000);
    // Then nobody places an order for 20 s and no late event comes: the next buyer walks in.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(pacer.gap).toBe(0);
    expect(await pacer.turn()).toBe(0);
  });

  it('lets a burst through unpaced while `burst` says so, and paces again when it no longer does', async () => {
    vi.useFakeTimers();
    const lag = new SagaLag(1000);
    let burst = true;
    const pacer = new Pacer(lag, { targetMs: 500, maxWaitMs: 1000, burst: () => burst });
    lag.observe(ago(2000));
    expect(await Promise.all([pacer.turn(), pacer.turn(), pacer.turn()])).toEqual([0, 0, 0]);
    burst = false;
    const turns = [pacer.turn(), pacer.turn()];
    await vi.advanceTimersByTimeAsync(100);
    expect(await Promise.all(turns)).toEqual([0, 50]);
  });

  it('is off with a target of 0', async () => {
    const lag = new SagaLag();
    lag.observe(ago(60_000));
    expect(await new Pacer(lag, { targetMs: 0, maxWaitMs: 1000 }).turn()).toBe(0);
  });
});

describe('what the door tells', () => {
  it('says when a crowd forms and when the pace starts and ends', async () => {
    vi.useFakeTimers();
    const crowd = new Crowd(2, 100);
    let formed = 0;
    crowd.onCrowd(() => formed++);
    const a = [crowd.enter(), crowd.enter(), crowd.enter()];
    expect(formed).toBe(1);
    for (const leave of a) leave();
    await vi.advanceTimersByTimeAsync(150);
    crowd.enter();
    crowd.enter();
    expect(formed).toBe(2);

    const lag = new SagaLag(1000);
    const changes: number[] = [];
    const pacer = new Pacer(lag, { targetMs: 500, maxWaitMs: 1000, onChange: (gap) => changes.push(gap) });
    lag.observe(ago(2000));
    expect(pacer.gap).toBe(50);
    for (let i = 0; i < 20 && pacer.gap; i++) await vi.advanceTimersByTimeAsync(500);
    expect(changes).toEqual([50, 0]);
  });
});
