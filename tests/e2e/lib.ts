/** Helpers for end-to-end tests: the public base URL, tokens, polling, and the local sidecars. */
import { randomUUID } from 'node:crypto';
import { deliveryOf, type ServiceName } from '@mp/contracts';
import { deliveryOutcome } from '@mp/platform';
import pg from 'pg';
import { databaseUrlOf, gatewayPortOf, portsOf, stackNumber } from '../../scripts/stack/ports.ts';
import { localSecrets } from '../../scripts/stack/secrets.ts';
import { publishThroughSidecar } from '../../scripts/stack/sidecar.ts';

export { localSecrets, portsOf, publishThroughSidecar };

export const base = () => process.env.MP_BASE_URL ?? `http://localhost:${gatewayPortOf()}`;

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = any>(
  method: string,
  path: string,
  o: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base()}${path}`, {
    method,
    headers,
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: res.status, body: body as T, headers: res.headers };
}

/** Polls until `fn` returns a truthy value; fails with the last value after `timeoutMs`. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
  );
}

export const uniqueEmail = (tag = 'user') => `${tag}-${randomUUID().slice(0, 8)}@e2e.example.kr`;

export const localAdmin = {
  email: process.env.ADMIN_EMAIL ?? 'admin@marketplace.local',
  password: process.env.ADMIN_PASSWORD ?? 'admin-password-change-me',
};

export async function login(email: string, password: string): Promise<string> {
  const res = await api('POST', '/api/v1/auth/login', { body: { email, password } });
  if (res.status !== 200)
    throw new Error(`login of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

export const adminToken = () => login(localAdmin.email, localAdmin.password);

/**
 * Waits until the event path has carried what came before it: signs up a probe buyer under a
 * correlation id of its own and waits for the monitor, which takes every event, to show the probe's
 * `user.created`. A file that sets off a burst of events (the README's `scripts/seed.sh` market, the flash sale) ends
 * with it, so that the next file's waits are for its own events and not for a backlog it inherited
 * (on the aws profile the emulator's queues take minutes to drain a sample market's few thousand
 * messages).
 */
export async function settled(timeoutMs = 300_000): Promise<void> {
  const admin = await adminToken();
  const correlationId = `settled-${randomUUID()}`;
  const res = await api('POST', '/api/v1/users', {
    body: { email: uniqueEmail('settled'), password: 'correct horse battery', name: '정착', role: 'buyer' },
    headers: { 'x-correlation-id': correlationId },
  });
  if (res.status !== 201) throw new Error(`probe sign-up answered ${res.status}`);
  await eventually(
    async () => (await monitored(admin, { correlationId, type: 'user.created' })).length > 0,
    timeoutMs,
    'the monitor to take the events sent before the probe',
  );
}

/** Events the admin monitor has seen, newest first. */
export async function monitored(token: string, query: Record<string, string>) {
  const qs = new URLSearchParams({ limit: '100', ...query });
  const res = await api('GET', `/api/v1/admin/events?${qs}`, { token });
  if (res.status !== 200) throw new Error(`monitor answered ${res.status}`);
  return res.body.items as {
    eventId: string;
    eventType: string;
    correlationId: string;
    deadLetter: boolean;
    valid: boolean;
    topic: string;
    deliveries: number;
  }[];
}

// ---- the local runtime (for tests that must touch Dapr or PostgreSQL directly) -------------------

/** Publishes several messages in one request through a sidecar's bulk publish API, as the outbox relay does. */
export async function publishBulkThroughSidecar(
  service: ServiceName,
  topic: string,
  envelopes: { eventId: string; eventType: string }[],
) {
  const res = await fetch(
    `http://127.0.0.1:${portsOf(service).daprHttp}/v1.0-alpha1/publish/bulk/pubsub/${topic}`,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'dapr-api-token': localSecrets().daprApiTokens[service],
      },
      body: JSON.stringify(
        envelopes.map((e, i) => ({
          entryId: String(i),
          event: e,
          contentType: 'application/json',
          metadata: { 'cloudevent.id': e.eventId, 'cloudevent.type': e.eventType },
        })),
      ),
    },
  );
  if (res.status !== 204) throw new Error(`bulk publish answered ${res.status}: ${await res.text()}`);
}

/**
 * How many events of a topic a service's app was handed with a given outcome (success, retry,
 * drop), whether delivered one by one or in batches. One by one, the sidecar counts each delivery
 * (dapr_component_pubsub_ingress_count). In batches (bulk subscribe, as deliveryOf in the catalog
 * sets it), daprd's per-event series counts one per outcome per batch (its view is a count of
 * recordings, not their sum), so a batch of eight successes shows as one: the app's own per-event
 * counter (the kit's mp_events_consumed_total) is read instead.
 */
export async function deliveries(service: ServiceName, topic: string, status: 'success' | 'retry' | 'drop') {
  if (!deliveryOf(service, topic).enabled)
    return daprCounter(service, 'dapr_component_pubsub_ingress_count', { topic, process_status: status });
  const outcome = deliveryOutcome[status.toUpperCase() as keyof typeof deliveryOutcome];
  return appCounter(service, 'mp_events_consumed_total', { topic, outcome });
}

/** Sums a Dapr sidecar's Prometheus counter over the series whose labels include `labels`. */
export async function daprCounter(
  service: ServiceName,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  return sumSeries(await scrape(portsOf(service).metrics), name, labels);
}

/** An app's own Prometheus counter (the kit's metrics, on its metrics port), summed like daprCounter. */
export async function appCounter(
  service: ServiceName,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  return sumSeries(await scrape(portsOf(service).appMetrics), name, labels);
}

/** GET /metrics on a local port: the Prometheus text. */
export async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET :${port}/metrics answered ${res.status}`);
  return res.text();
}

/** The sum of a metric's series whose labels include `labels`, in Prometheus text. */
export function sumSeries(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

/** A connection to a service's own database (for tests that stage a fault, like a held lock). */
export function database(service: ServiceName): pg.Client {
  return new pg.Client({ connectionString: databaseUrlOf(service) });
}

/** The SMS (문자) the stack's AWS emulator kept for a number: moto's SNS `SMS` models at /moto-api/data.json. */
export async function textsTo(e164: string): Promise<string[]> {
  const aws = process.env.MP_AWS_ENDPOINT ?? `http://127.0.0.1:${4566 + stackNumber()}`;
  const data = (await (await fetch(`${aws}/moto-api/data.json`)).json()) as {
    sns?: { SMS?: { phone_number: string; message: string }[] };
  };
  return (data.sns?.SMS ?? []).filter((s) => s.phone_number === e164).map((s) => s.message);
}

/** What the FCM sandbox received for a device token, newest first. */
export const pushesTo = async (token: string) =>
  (await api('GET', `/sandbox/fcm/messages?token=${encodeURIComponent(token)}`)).body.items as {
    status: number;
    message: { notification: { title: string; body: string }; data: Record<string, string> };
  }[];

/** The 카카오 알림톡 the Kakao sandbox received for a number (E.164), newest first. */
export const talksTo = async (e164: string) =>
  (await api('GET', `/sandbox/kakao/messages?phone=${encodeURIComponent(e164)}`)).body.items as {
    templateCode: string;
    message: string;
    code: string;
    request: { button?: { name: string; url_mobile: string }[] };
  }[];
