import { randomUUID } from 'node:crypto';
import { buildEvent } from '@mp/platform';
import {
  serviceForFile,
  startTestService,
  TEST_APP_TOKEN,
  type TestService,
  type TestServiceOptions,
  tokenFor,
} from '@mp/platform/testing';
import { expect } from 'vitest';
import type { Database } from '../src/db/schema.ts';
import { isValidBusinessNumber } from '../src/domain/business-number.ts';
import { service } from '../src/service.ts';

export type SellerService = TestService<Database, any>;
export const internal = { 'dapr-api-token': TEST_APP_TOKEN };

/** A valid 사업자등록번호: nine random digits and the check digit that fits them. */
export function validBusinessNumber(): string {
  for (;;) {
    const head = Array.from({ length: 9 }, () => Math.floor(Math.random() * 10)).join('');
    for (let d = 0; d < 10; d++)
      if (isValidBusinessNumber(`${head}${d}`))
        return `${head.slice(0, 3)}-${head.slice(3, 5)}-${head.slice(5)}${d}`;
  }
}

export const application = (o: Record<string, unknown> = {}) => ({
  storeName: '무신사 스탠다드',
  businessNumber: validBusinessNumber(),
  representative: '조만호',
  mailOrderNumber: '2024-서울성동-01234',
  csPhone: '02-123-4567',
  ...o,
});

/** A seller account (its own token) that has applied. */
export async function applied(svc: SellerService, o: Record<string, unknown> = {}) {
  const id = randomUUID();
  const token = await tokenFor(id, 'seller');
  const res = await svc.call('POST', '/api/v1/sellers', { token, body: application(o) });
  expect(res.status).toBe(201);
  return { id, token, seller: res.body };
}

export async function verified(svc: SellerService) {
  const s = await applied(svc);
  expect(
    (
      await svc.call('POST', `/internal/sellers/${s.id}/approve`, {
        headers: internal,
        body: { adminId: 'a-1' },
      })
    ).status,
  ).toBe(200);
  return s;
}

export async function deliver(svc: SellerService, source: string, topic: string, data: object) {
  const event = buildEvent(source as never, 'test', topic as never, data as never);
  const res = await svc.call('POST', `/events/${topic}`, {
    body: { id: event.eventId, data: event },
    headers: internal,
  });
  expect(res.body, topic).toEqual({ status: 'SUCCESS' });
  return event;
}

/** The seller service of one test file: started before its tests, closed after them. */
export function sellerForFile(o: TestServiceOptions = {}): SellerService {
  return serviceForFile(() => startTestService(service, o), 'the seller service');
}
