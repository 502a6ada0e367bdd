import { describe, expect, it } from 'vitest';
import { CarrierError } from '../src/carrier/port.ts';
import { sweetTracker } from '../src/carrier/sweettracker.ts';

const client = (respond: (url: string) => unknown, calls: string[] = []) =>
  sweetTracker({
    baseUrl: 'https://info.sweettracker.co.kr',
    apiKey: 'key-1234567',
    timeoutMs: 100,
    fetch: async (url) => {
      calls.push(url);
      return new Response(JSON.stringify(respond(url)), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    },
  });

describe('the tracking API client', () => {
  it('asks by t_key, the carrier code (CJ대한통운 04, 우체국 01…) and t_invoice', async () => {
    const calls: string[] = [];
    const c = client(
      () => ({
        level: 2,
        complete: false,
        trackingDetails: [
          { kind: '집화처리', level: 2, where: '서울송파', timeString: '2024-05-01 14:03:00' },
        ],
      }),
      calls,
    );
    const t = await c.track('CJ', '123456789012');
    await c.track('POST', '1234567890123');
    const first = new URL(calls[0]!);
    expect(first.pathname).toBe('/api/v1/trackingInfo');
    expect(Object.fromEntries(first.searchParams)).toEqual({
      t_key: 'key-1234567',
      t_code: '04',
      t_invoice: '123456789012',
    });
    expect(new URL(calls[1]!).searchParams.get('t_code')).toBe('01');
    expect(t).toMatchObject({ level: 2, delivered: false, failed: false });
    expect(t!.steps[0]!.at.toISOString()).toBe('2024-05-01T05:03:00.000Z');
  });

  it('reads delivered and failed parcels', async () => {
    const done = await client(() => ({
      level: 6,
      complete: true,
      trackingDetails: [{ kind: '배달완료', level: 6, time: 0 }],
    })).track('LOTTE', '123456789012');
    expect(done?.delivered).toBe(true);
    const failed = await client(() => ({
      level: 5,
      complete: false,
      trackingDetails: [{ kind: '배달불가', level: 5 }],
    })).track('LOGEN', '12345678901');
    expect(failed?.failed).toBe(true);
  });

  it('answers undefined for an invoice the carrier does not know yet, and an error for a bad key', async () => {
    expect(
      await client(() => ({ status: false, code: '104', msg: '운송장 번호가 유효하지 않습니다.' })).track(
        'HANJIN',
        '1234567890',
      ),
    ).toBeUndefined();
    await expect(
      client(() => ({ status: false, code: '101', msg: '유효하지 않은 키' })).track('HANJIN', '1234567890'),
    ).rejects.toBeInstanceOf(CarrierError);
  });
});
