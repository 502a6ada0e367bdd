import type { Carrier } from '../db/schema.ts';

/**
 * The carrier port: where a parcel is, asked by carrier and tracking number (운송장번호). Levels are
 * the Korean tracking APIs' six steps: 1 접수/배송준비, 2 집화완료, 3 배송중, 4 지점도착, 5 배송출발, 6 배송완료.
 */
export interface TrackingStep {
  level: number;
  /** What happened, in the carrier's words (집화처리, 간선상차, 배달완료, 배달불가…). */
  kind: string;
  location: string | null;
  at: Date;
}

export interface Tracking {
  level: number;
  delivered: boolean;
  /** The carrier reported it could not deliver (배달불가, 반송). */
  failed: boolean;
  steps: TrackingStep[];
}

export class CarrierError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** A return pickup (반품 회수) to book: the carrier collects the parcel at the buyer's address. */
export interface PickupRequest {
  /** Ours, unique per pickup: booking the same again answers the same booking (the return shipment's id). */
  orderNo: string;
  senderName: string;
  senderPhone: string;
  senderAddress: string;
  senderZipCode: string;
  itemName: string;
  quantity: number;
}

export interface CarrierClient {
  /** Undefined while the carrier does not know the tracking number yet. */
  track(carrier: Carrier, trackingNumber: string): Promise<Tracking | undefined>;
  /**
   * Books a pickup (반품 회수 접수); the answer's invoice is then tracked like any parcel. A refusal
   * (an address the carrier does not serve) is a CarrierError `CARRIER_PICKUP_REFUSED`; no answer
   * is `CARRIER_UNAVAILABLE` (booking again is safe: the same orderNo is the same booking).
   */
  bookPickup(carrier: Carrier, req: PickupRequest): Promise<{ trackingNumber: string }>;
}

/** 택배사 코드 of the tracking API (스마트택배): CJ대한통운 04, 롯데택배 08, 한진택배 05, 로젠택배 06, 우체국택배 01. */
export const carrierCodes: Record<Carrier, string> = {
  CJ: '04',
  LOTTE: '08',
  HANJIN: '05',
  LOGEN: '06',
  POST: '01',
};
export const carrierNames: Record<Carrier, string> = {
  CJ: 'CJ대한통운',
  LOTTE: '롯데택배',
  HANJIN: '한진택배',
  LOGEN: '로젠택배',
  POST: '우체국택배',
};
