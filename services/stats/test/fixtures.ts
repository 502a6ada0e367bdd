import { randomUUID } from 'node:crypto';
import type { EventData, EventType } from '@mp/contracts';
import { buildEvent } from '@mp/platform';
import { serviceForFile, startTestService, TEST_APP_TOKEN, type TestService } from '@mp/platform/testing';
import type { Config } from '../src/config.ts';
import type { Database } from '../src/db/schema.ts';
import { service } from '../src/service.ts';

export type Svc = TestService<Database, Config>;

export const start = () =>
  startTestService(service, {
    env: {
      S3_ENDPOINT: process.env.MP_AWS_ENDPOINT ?? 'http://127.0.0.1:4566',
      S3_BUCKET: `t-stats-${randomUUID().slice(0, 8)}`,
      S3_CREATE_BUCKET: 'true',
      S3_ACCESS_KEY_ID: 'test',
      S3_SECRET_ACCESS_KEY: 'test',
    },
  });

/** An event of `topic` as order's sidecar would hand it over, with the given id when one is given. */
function eventOf<T extends EventType>(topic: T, data: EventData<T>, eventId?: string) {
  const event = buildEvent('order', 'test', topic, data);
  if (eventId) event.eventId = eventId;
  return event;
}

export function deliver<T extends EventType>(svc: Svc, topic: T, data: EventData<T>, eventId?: string) {
  return svc.deliver(eventOf(topic, data, eventId));
}

/** Delivers events of one topic as one bulk delivery (as a follower's sidecar batches them); the statuses in their order. */
export async function deliverBatch<T extends EventType>(
  svc: Svc,
  topic: T,
  events: { data: EventData<T>; eventId?: string }[],
): Promise<string[]> {
  const res = await svc.deliverBatch(
    topic,
    events.map(({ data, eventId }) => eventOf(topic, data, eventId)),
  );
  return res.body.statuses.map((s: { status: string }) => s.status);
}

export const internal = (svc: Svc, method: string, path: string, body?: unknown) =>
  svc.call(method, path, {
    ...(body === undefined ? {} : { body }),
    headers: { 'dapr-api-token': TEST_APP_TOKEN },
  });

/** The stats service of one test file: started before its tests, closed after them. */
export function statsForFile(): Svc {
  return serviceForFile(() => start(), 'the stats service');
}
