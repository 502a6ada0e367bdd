/** Helpers for end-to-end tests: the public base URL, tokens, polling, and the local sidecars. */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceName } from '@mp/contracts';
import pg from 'pg';
import { databaseOf, gatewayPortOf, portsOf, runDirOf, stackNumber } from '../../scripts/stack/ports.ts';

export { portsOf };

export const base = () => process.env.MP_BASE_URL ?? `http://localhost:${gatewayPortOf()}`;
const runDir = runDirOf();

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

/** The stack's per-app tokens: what each sidecar sends its app, and what each app sends its sidecar. */
export function localSecrets(): {
  appApiTokens: Record<ServiceName, string>;
  daprApiTokens: Record<ServiceName, string>;
} {
  const file = process.env.MP_SECRETS_FILE ?? join(runDir, 'secrets.json');
  if (!existsSync(file)) throw new Error(`no ${file}: these tests need the local runtime`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Publishes a message through a sidecar, as a producer's relay would (same CloudEvent id and type). */
export async function publishThroughSidecar(
  service: ServiceName,
  topic: string,
  envelope: { eventId: string; eventType: string },
) {
  const qs = new URLSearchParams({
    'metadata.cloudevent.id': envelope.eventId,
    'metadata.cloudevent.type': envelope.eventType,
  });
  const res = await fetch(
    `http://127.0.0.1:${portsOf(service).daprHttp}/v1.0/publish/pubsub/${topic}?${qs}`,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'dapr-api-token': localSecrets().daprApiTokens[service],
      },
      body: JSON.stringify(envelope),
    },
  );
  if (res.status !== 204) throw new Error(`publish answered ${res.status}: ${await res.text()}`);
}

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
 * How many messages of a topic a sidecar handed its app with a given outcome (success, retry,
 * drop), whether delivered one by one or in batches (bulk subscribe counts them in its own series,
 * once a batch is settled).
 */
export async function deliveries(service: ServiceName, topic: string, status: 'success' | 'retry' | 'drop') {
  return (
    (await daprCounter(service, 'dapr_component_pubsub_ingress_count', { topic, process_status: status })) +
    (await daprCounter(service, 'dapr_component_pubsub_ingress_bulk_event_count', {
      topic,
      process_status: status.toUpperCase(),
    }))
  );
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
  const base = process.env.MP_DATABASE_BASE_URL ?? 'postgres://marketplace:marketplace@127.0.0.1:5432';
  return new pg.Client({ connectionString: `${base}/${databaseOf(service)}` });
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
