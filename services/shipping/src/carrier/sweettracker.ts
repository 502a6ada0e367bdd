import type { Carrier } from '../db/schema.ts';
import { type CarrierClient, CarrierError, carrierCodes, type PickupRequest, type Tracking } from './port.ts';

/** A step as the tracking API reports it. */
interface Detail {
  kind: string;
  level: number;
  where?: string | null;
  timeString?: string;
  time?: number;
}

export interface TrackerOptions {
  /** https://info.sweettracker.co.kr, or the sandbox's base (…/sandbox/carrier) locally. */
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

const FAILED = /배달불가|미배달|반송|배송실패/;

/** `2024-05-01 14:03:00` is KST. */
const kstTime = (s: string) => new Date(`${s.replace(' ', 'T')}+09:00`);

/**
 * A client of the 스마트택배 (Sweet Tracker) tracking API: `GET /api/v1/trackingInfo?t_key=&t_code=&t_invoice=`
 * with the carrier's numeric code. Unknown invoices come back as `{status: false, code, msg}`.
 */
export function sweetTracker(o: TrackerOptions): CarrierClient {
  const doFetch = o.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  /** Sends a request; the answer's JSON, or CARRIER_UNAVAILABLE when none came (or a 5xx). */
  async function ask(url: string, init: RequestInit): Promise<Record<string, unknown>> {
    try {
      const res = await Promise.race([
        doFetch(url, { ...init, signal: AbortSignal.timeout(o.timeoutMs) }),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('timeout')), o.timeoutMs).unref(),
        ),
      ]);
      const body = (await res.json()) as Record<string, unknown>;
      if (!res.ok && body.status !== false) throw new Error(`HTTP ${res.status}`);
      return body;
    } catch (err) {
      throw new CarrierError(
        'CARRIER_UNAVAILABLE',
        `the carrier API did not answer: ${(err as Error).message}`,
      );
    }
  }
  return {
    /**
     * 반품 회수 접수: `POST /api/v1/pickupReservation` in the tracking API's shape (t_key, t_code and
     * the answer's `status`/`code`/`msg`); 301 (an area the carrier does not collect from) and 302 (a
     * refused address) are refusals.
     */
    async bookPickup(carrier: Carrier, req: PickupRequest) {
      const body = await ask(`${o.baseUrl}/api/v1/pickupReservation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ t_key: o.apiKey, t_code: carrierCodes[carrier], ...req }),
      });
      if (body.status === false) {
        const code = String(body.code);
        throw new CarrierError(
          code === '301' || code === '302' ? 'CARRIER_PICKUP_REFUSED' : `CARRIER_${code}`,
          String(body.msg ?? 'refused'),
        );
      }
      if (typeof body.invoiceNo !== 'string' || !body.invoiceNo)
        throw new CarrierError('CARRIER_UNAVAILABLE', 'the pickup booking came back without an invoice');
      return { trackingNumber: body.invoiceNo };
    },
    async track(carrier: Carrier, trackingNumber: string) {
      const qs = new URLSearchParams({
        t_key: o.apiKey,
        t_code: carrierCodes[carrier],
        t_invoice: trackingNumber,
      });
      let body: Record<string, unknown>;
      try {
        const res = await Promise.race([
          doFetch(`${o.baseUrl}/api/v1/trackingInfo?${qs}`, {
            method: 'GET',
            signal: AbortSignal.timeout(o.timeoutMs),
          }),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('timeout')), o.timeoutMs).unref(),
          ),
        ]);
        body = (await res.json()) as Record<string, unknown>;
        if (!res.ok && body.status !== false) throw new Error(`HTTP ${res.status}`);
      } catch (err) {
        throw new CarrierError(
          'CARRIER_UNAVAILABLE',
          `the tracking API did not answer: ${(err as Error).message}`,
        );
      }
      if (body.status === false) {
        // 104/105: no such invoice (yet); anything else (bad key, bad carrier code) is ours to fix.
        if (body.code === '104' || body.code === '105') return undefined;
        throw new CarrierError(`CARRIER_${String(body.code)}`, String(body.msg ?? 'refused'));
      }
      const details = (body.trackingDetails as Detail[] | undefined) ?? [];
      const tracking: Tracking = {
        level: Number(body.level ?? 0),
        delivered: body.complete === true || Number(body.level) >= 6,
        failed: details.some((d) => FAILED.test(d.kind)),
        steps: details.map((d) => ({
          level: d.level,
          kind: d.kind,
          location: d.where ?? null,
          at: d.time ? new Date(d.time) : d.timeString ? kstTime(d.timeString) : new Date(),
        })),
      };
      return tracking;
    },
  };
}
