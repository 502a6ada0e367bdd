/**
 * The foundation, through real daprd sidecars and real Redis: the outbox, idempotent consumers,
 * the event monitor, service invocation with the app token, retries and the dead-letter topic.
 */
import { randomUUID } from 'node:crypto';
import { deliveryOf, type ServiceName, services } from '@mp/contracts';
import { buildEvent } from '@mp/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  appCounter,
  database,
  deliveries,
  eventually,
  localSecrets,
  monitored,
  portsOf,
  publishBulkThroughSidecar,
  publishThroughSidecar,
  uniqueEmail,
} from './lib.ts';

let admin: string;
beforeAll(async () => {
  admin = await adminToken();
});

/**
 * A day far in the past on which no sign-up is counted yet, so that its count is this test's alone
 * (the stack's database outlives a run: a day drawn by an earlier run has its sign-ups already).
 */
async function unusedDay(): Promise<string> {
  for (;;) {
    const day = new Date(
      Date.UTC(
        1990 + Math.floor(Math.random() * 30),
        Math.floor(Math.random() * 12),
        1 + Math.floor(Math.random() * 28),
        3,
      ),
    ).toISOString();
    if ((await signupsOn(day.slice(0, 10))) === 0) return day;
  }
}

/** A user.created of a new user made at `createdAt` (03:00 UTC: the same calendar day in Korea). */
function signupAt(createdAt: string) {
  const event = buildEvent('user', 'local', 'user.created', {
    userId: randomUUID(),
    email: uniqueEmail('synthetic'),
    name: '합성 사용자',
    role: 'buyer',
    createdAt,
  } as never);
  return { event, day: createdAt.slice(0, 10) };
}

async function signupsOn(day: string): Promise<number> {
  const res = await api('GET', `/api/v1/stats/signups?from=${day}&to=${day}`, { token: admin });
  expect(res.status).toBe(200);
  return res.body.items[0]?.total ?? 0;
}

describe('every service behind the gateway', () => {
  it('answers /readyz on all 16 services and routes every public prefix to its service', async () => {
    for (const [name, spec] of Object.entries(services)) {
      const ready = await fetch(`http://127.0.0.1:${portsOf(name as ServiceName).app}/readyz`);
      expect(ready.status, name).toBe(200);
      for (const prefix of spec.prefixes) {
        // An unknown path under the prefix reaches the service, which answers with its own problem+json
        // (ROUTE_NOT_FOUND, or its resource's not-found where a public `GET {prefix}/{id}` exists),
        // never the gateway's "No service serves this path".
        const res = await api('GET', `${prefix}/__route_probe__`);
        expect([401, 404], `${prefix} → ${name}`).toContain(res.status);
        expect(res.headers.get('content-type'), prefix).toContain('json');
        if (res.status === 404) {
          expect(res.body.code, `${prefix} reaches ${name}`).toMatch(/_NOT_FOUND$/);
          expect(res.body.detail, `${prefix} reaches ${name}`).not.toBe('No service serves this path');
        }
      }
    }
    expect((await api('GET', '/api/v1/nobody-serves-this')).body.detail).toBe('No service serves this path');
  });
});

describe('the outbox and the event monitor', () => {
  it('commits a sign-up and its user.created together, and the monitor shows it with its correlation id', async () => {
    const correlationId = `e2e-${randomUUID()}`;
    const email = uniqueEmail('outbox');
    const res = await api('POST', '/api/v1/users', {
      body: { email, password: 'correct horse battery', name: '이영희', role: 'buyer' },
      headers: { 'x-correlation-id': correlationId },
    });
    expect(res.status).toBe(201);
    const [seen] = await eventually(
      async () => {
        const items = await monitored(admin, { correlationId, type: 'user.created' });
        return items.length ? items : undefined;
      },
      20_000,
      'user.created in the monitor',
    );
    expect(seen).toMatchObject({ eventType: 'user.created', correlationId, valid: true, deadLetter: false });
  });
});

describe('correlation ids from clients', () => {
  it.each([
    ['empty', ''],
    ['huge', 'x'.repeat(3000)],
    ['of another charset', 'bad id/with;chars'],
  ])(
    'replaces one that is %s at the edge: its events carry the fresh one and no consumer dead-letters them',
    async (_, given) => {
      const res = await api('POST', '/api/v1/users', {
        body: {
          email: uniqueEmail('corr'),
          password: 'correct horse battery',
          name: '이영희',
          role: 'buyer',
        },
        headers: { 'x-correlation-id': given },
      });
      expect(res.status).toBe(201);
      const correlationId = res.headers.get('x-correlation-id')!;
      expect(correlationId).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}$/);
      const [seen] = await eventually(
        async () => {
          const items = await monitored(admin, { correlationId, type: 'user.created' });
          return items.length ? items : undefined;
        },
        20_000,
        'user.created in the monitor',
      );
      expect(seen).toMatchObject({ valid: true, deadLetter: false });
      // notification and stats consume user.created; give them the time to drop it, if they would.
      await new Promise((r) => setTimeout(r, 3000));
      expect(await monitored(admin, { correlationId, deadLetter: 'true' })).toEqual([]);
    },
  );
});

describe('consumers', () => {
  it('run a handler exactly once when the same event is delivered twice', async () => {
    const { event, day } = signupAt(await unusedDay());
    await publishThroughSidecar('user', 'user.created', event);
    await publishThroughSidecar('user', 'user.created', event);
    // A different event on the same day proves the counter is live.
    const control = signupAt(event.data.createdAt).event;
    await publishThroughSidecar('user', 'user.created', control);
    await eventually(async () => (await signupsOn(day)) === 2, 20_000, 'two sign-ups counted');
    await eventually(
      async () => (await monitored(admin, { eventId: event.eventId }))[0]?.deliveries === 2,
      10_000,
      'both deliveries monitored',
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(await signupsOn(day)).toBe(2);
  });

  it('change nothing twice when a whole batch is delivered again', async () => {
    // stats follows sign-ups: its sidecar hands them over in batches (bulk subscribe).
    expect(deliveryOf('stats', 'user.created').enabled).toBe(true);
    const taken = async () => ({
      requests: await appCounter('stats', 'mp_http_requests_total', { route: '/events/user.created' }),
      events: await appCounter('stats', 'mp_events_consumed_total', { topic: 'user.created' }),
    });
    const before = await taken();
    const { event: a, day } = signupAt(await unusedDay());
    const b = signupAt(a.data.createdAt).event;
    // One bulk request holding each event twice, then the same request again: the consumer gets
    // duplicates inside a batch and a duplicated batch.
    await publishBulkThroughSidecar('user', 'user.created', [a, b, a, b]);
    await publishBulkThroughSidecar('user', 'user.created', [a, b, a, b]);
    await eventually(
      async () => (await monitored(admin, { eventId: b.eventId }))[0]?.deliveries === 4,
      20_000,
      'all four deliveries of each monitored',
    );
    await eventually(async () => (await signupsOn(day)) === 2, 20_000, 'two sign-ups counted');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await signupsOn(day)).toBe(2);
    expect((await monitored(admin, { eventId: a.eventId }))[0]?.deliveries).toBe(4);
    // The eight reached stats' app in batches: fewer requests than events (other tests' sign-ups,
    // delivered meanwhile, add at most one request per event).
    const after = await taken();
    expect(after.events - before.events).toBeGreaterThanOrEqual(8);
    expect(after.requests - before.requests).toBeLessThan(after.events - before.events);
  });

  it('get an event again after a transient failure', async () => {
    const statsDb = database('stats');
    await statsDb.connect();
    const retries = () => deliveries('stats', 'user.created', 'retry');
    const before = await retries();
    const { event, day } = signupAt(await unusedDay());
    const waiting = database('stats');
    await waiting.connect();
    try {
      // Hold the table the handler writes to: its lock timeout fails the delivery, which asks for a retry.
      await statsDb.query('begin');
      await statsDb.query('lock table stats.daily_signups in access exclusive mode');
      await publishThroughSidecar('user', 'user.created', event);
      // The handler waits on the lock, then gives up (lock_timeout 5 s) and answers RETRY.
      await eventually(
        async () =>
          (
            await waiting.query(
              `select 1 from pg_locks where not granted and relation = 'stats.daily_signups'::regclass`,
            )
          ).rowCount! > 0,
        30_000,
        'the handler waiting on the lock',
      );
      await new Promise((r) => setTimeout(r, 6000));
    } finally {
      await statsDb.query('rollback');
      await statsDb.end();
      await waiting.end();
    }
    await eventually(async () => (await signupsOn(day)) === 1, 60_000, 'the sign-up counted after the retry');
    // A batch's outcomes are counted once it is settled, so the retry shows after the success.
    await eventually(async () => (await retries()) > before, 30_000, 'a retried delivery');
  });

  it('send a malformed payload to the dead-letter topic instead of looping', async () => {
    const drops = () => deliveries('stats', 'user.created', 'drop');
    const before = await drops();
    const { event } = signupAt(await unusedDay());
    const malformed = { ...event, data: { userId: event.data.userId } };
    await publishThroughSidecar('user', 'user.created', malformed as never);
    const [dead] = await eventually(
      async () => {
        const items = await monitored(admin, { eventId: event.eventId, deadLetter: 'true' });
        return items.length ? items : undefined;
      },
      30_000,
      'the dead letter in the monitor',
    );
    expect(dead).toMatchObject({ topic: 'user.created', deadLetter: true, valid: false });
    // Dropped once, not redelivered.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await drops()).toBe(before + 1);
  });
});

describe('service invocation', () => {
  it('reaches an internal route through Dapr, and the same route without the app token is refused', async () => {
    // auth → user through Dapr: a login works only if the invocation does.
    const email = uniqueEmail('invoke');
    await api('POST', '/api/v1/users', {
      body: { email, password: 'correct horse battery', name: '박민수' },
    });
    const login = await api('POST', '/api/v1/auth/login', {
      body: { email, password: 'correct horse battery' },
    });
    expect(login.status).toBe(200);

    const body = JSON.stringify({ email, password: 'correct horse battery' });
    const viaDapr = await fetch(
      `http://127.0.0.1:${portsOf('auth').daprHttp}/v1.0/invoke/user/method/internal/credentials/verify`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'dapr-api-token': localSecrets().daprApiTokens.auth },
        body,
      },
    );
    expect(viaDapr.status).toBe(200);

    const direct = await fetch(`http://127.0.0.1:${portsOf('user').app}/internal/credentials/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(direct.status).toBe(403);
    expect((await direct.json()).code).toBe('INTERNAL_ONLY');
    expect((await api('POST', '/internal/credentials/verify', { body: JSON.parse(body) })).status).toBe(404);
  });
});
