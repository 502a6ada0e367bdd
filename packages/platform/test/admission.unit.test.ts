import { describe, expect, it } from 'vitest';
import { admission } from '../src/admission.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('admission of a rush', () => {
  it('runs at most `limit` at once, lets the others in first come first served, and refuses beyond the queue', async () => {
    const admit = admission(2, 3);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const gates: (() => void)[] = [];
    const job = (n: number) =>
      admit(async () => {
        running++;
        most = Math.max(most, running);
        order.push(n);
        await new Promise<void>((r) => gates.push(r));
        running--;
        return n;
      });
    const jobs = [1, 2, 3, 4, 5].map(job);
    await tick();
    expect(order).toEqual([1, 2]);
    await expect(job(6)).rejects.toMatchObject({ status: 503, code: 'SERVICE_BUSY' });
    while (gates.length || order.length < 5) {
      gates.shift()?.();
      await tick();
    }
    expect(await Promise.all(jobs)).toEqual([1, 2, 3, 4, 5]);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('frees the slot when a placement fails', async () => {
    const admit = admission(1, 10);
    await expect(admit(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await admit(async () => 'next')).toBe('next');
  });
});

describe('leaving the queue', () => {
  it('answers a waiting request with what `leave` rejects with, and keeps the others’ order', async () => {
    const admit = admission(1, 10);
    let open!: () => void;
    const first = admit(() => new Promise<string>((r) => (open = () => r('first'))));
    let refuse!: (err: Error) => void;
    const leave = new Promise<never>((_, reject) => (refuse = reject));
    const ran: string[] = [];
    const leaving = admit(async () => ran.push('leaving'), leave);
    const third = admit(async () => {
      ran.push('third');
      return 'third';
    });
    await tick();
    refuse(new Error('sold out'));
    await expect(leaving).rejects.toThrow('sold out');
    expect(ran).toEqual([]); // it left before its turn, without running
    open();
    expect(await first).toBe('first');
    expect(await third).toBe('third');
    expect(ran).toEqual(['third']);
    // The slot went back: one more runs at once.
    expect(await admit(async () => 'next')).toBe('next');
  });

  it('ignores `leave` once the turn has come', async () => {
    const admit = admission(1, 10);
    let refuse!: (err: Error) => void;
    const leave = new Promise<never>((_, reject) => (refuse = reject));
    leave.catch(() => {});
    const running = admit(async () => {
      refuse(new Error('too late'));
      await tick();
      return 'done';
    }, leave);
    expect(await running).toBe('done');
  });
});
