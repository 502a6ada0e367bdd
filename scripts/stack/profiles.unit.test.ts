import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  batchedDelivery,
  deadLetterTopic,
  eventTypes,
  monitorService,
  publicationsOf,
  serviceNames,
  subscriptionsOf,
} from '@mp/contracts';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { profileNames, readResources, resolveProfile, withPubsubScopes, writeProfile } from './profiles.ts';

const root = new URL('../../', import.meta.url).pathname;
const stateStores = (profile: string) =>
  resolveProfile(root, profile).filter((r) => r.kind === 'Component' && r.type?.startsWith('state.'));
/** The broker setting that bounds the messages in flight to the app, per profile. */
const inFlightKey: Record<string, string> = {
  redis: 'concurrency',
  rabbitmq: 'prefetchCount',
  aws: 'concurrencyLimit',
};
const pubsub = (profile: string) => resolveProfile(root, profile).find((r) => r.name === 'pubsub');

describe('component profiles', () => {
  it('are redis, rabbitmq and aws, each with one pubsub and the resiliency policy', () => {
    expect(profileNames).toEqual(['redis', 'rabbitmq', 'aws']);
    for (const p of profileNames) {
      const all = resolveProfile(root, p);
      expect(
        all.filter((r) => r.name === 'pubsub'),
        p,
      ).toHaveLength(1);
      expect(
        all.some((r) => r.kind === 'Resiliency'),
        p,
      ).toBe(true);
    }
  });

  it('swap the broker only where the profile says', () => {
    expect(pubsub('redis')?.type).toBe('pubsub.redis');
    expect(pubsub('rabbitmq')?.type).toBe('pubsub.rabbitmq');
    expect(pubsub('aws')?.type).toBe('pubsub.aws.snssqs');
    expect(stateStores('rabbitmq').map((r) => r.type)).toEqual(stateStores('redis').map(() => 'state.redis'));
  });

  it('give the aws profile a DynamoDB table for every state store, with the same names and scopes', () => {
    const redis = stateStores('redis');
    const aws = stateStores('aws');
    expect(aws.map((r) => r.name).sort()).toEqual(redis.map((r) => r.name).sort());
    for (const store of aws) {
      expect(store.type, store.name).toBe('state.aws.dynamodb');
      expect(store.source, store.name).toMatch(/^components\/aws\//);
      const scopes = (text: string) => (parse(text) as { scopes?: string[] }).scopes;
      expect(scopes(store.text), store.name).toEqual(scopes(redis.find((r) => r.name === store.name)!.text));
    }
    // Tables named as the original design names them (Sessions, Wishlists, ProductViews, Carts, …): PascalCase of the store.
    for (const store of aws) {
      const table = /name: table\s+value: (\S+)/.exec(store.text)?.[1];
      expect(table?.toLowerCase(), store.name).toBe(store.name);
    }
  });

  it('keep every topic a distinct SNS/SQS name once the component strips what AWS refuses', () => {
    // pubsub.aws.snssqs keeps [A-Za-z0-9_-] and drops the rest (order.created → ordercreated).
    const sanitized = [...eventTypes, 'marketplace.deadletter'].map((t) => t.replace(/[^A-Za-z0-9_-]/g, ''));
    expect(new Set(sanitized).size).toBe(sanitized.length);
    for (const name of sanitized) expect(name.length).toBeLessThanOrEqual(256);
  });

  it('bound the messages in flight to an app on every profile, the same on each broker', () => {
    // SNS/SQS's concurrencyLimit defaults to none: a backlog would pile up in the sidecar. Per sidecar
    // (Redis, SNS/SQS: all topics) enough for the batches to fill; RabbitMQ counts per topic, one
    // batch (maxMessagesCount). The kit bounds what reaches the database pool.
    const bound = Object.fromEntries(
      profileNames.map((p) => {
        const meta = (parse(pubsub(p)!.text).spec.metadata as { name: string; value?: string }[]).find(
          (m) => m.name === inFlightKey[p],
        );
        return [p, meta?.value];
      }),
    );
    expect(bound).toEqual({ redis: '500', rabbitmq: String(batchedDelivery.maxMessagesCount), aws: '500' });
  });

  it('read one resource per YAML document, with its kind and name', () => {
    const redis = readResources(root, 'components/redis');
    expect(redis.find((r) => r.name === 'pubsub')).toMatchObject({ kind: 'Component', type: 'pubsub.redis' });
  });
});

describe('pubsub scopes', () => {
  /** Dapr's reading of a scopes value (pkg/scopes): app → its topics. */
  const scopes = (value: string) =>
    Object.fromEntries(
      value.split(';').map((a) => {
        const [app, topics = ''] = a.split('=');
        return [app, topics.split(',').filter(Boolean)];
      }),
    );

  it('are on the pubsub component of every profile, from the event catalog', () => {
    for (const p of profileNames) {
      const text = withPubsubScopes(pubsub(p)!);
      const meta = Object.fromEntries(
        (parse(text).spec.metadata as { name: string; value?: string }[]).map((m) => [m.name, m.value]),
      );
      const pub = scopes(meta.publishingScopes ?? '');
      const sub = scopes(meta.subscriptionScopes ?? '');
      // Every app is named (Dapr lets an unnamed app use every topic).
      expect(Object.keys(pub).sort(), p).toEqual([...serviceNames].sort());
      expect(Object.keys(sub).sort(), p).toEqual([...serviceNames].sort());
      for (const s of serviceNames) {
        const dead = subscriptionsOf(s).length ? [deadLetterTopic] : [];
        // The monitor replays dead letters on their own topics, so it may publish them all.
        expect(pub[s], `${p} ${s}`).toEqual(
          s === monitorService ? [...eventTypes, deadLetterTopic] : [...publicationsOf(s), ...dead],
        );
        expect(sub[s], `${p} ${s}`).toEqual(
          s === monitorService ? [...eventTypes, deadLetterTopic] : subscriptionsOf(s),
        );
      }
      expect((meta.allowedTopics ?? '').split(',').sort()).toEqual([...eventTypes, deadLetterTopic].sort());
    }
  });

  it('leave the other components as they are', () => {
    const store = resolveProfile(root, 'redis').find((r) => r.name === 'sessions')!;
    expect(withPubsubScopes(store)).toBe(store.text);
  });
});

describe('writing a profile for the sidecars', () => {
  it('updates the folder in place, so running sidecars keep reading it (restart <service>)', () => {
    const base = mkdtempSync(join(tmpdir(), 'mp-profile-'));
    const dir = join(base, 'resources');
    try {
      writeProfile(root, 'redis', dir);
      const before = statSync(dir).ino;
      const file = join(dir, readdirSync(dir)[0]!);
      const written = statSync(file).mtimeMs;
      writeFileSync(join(dir, 'stale.yaml'), 'kind: Component\n');
      writeProfile(root, 'redis', dir);
      expect(statSync(dir).ino).toBe(before);
      expect(statSync(file).mtimeMs).toBe(written);
      expect(readdirSync(dir)).not.toContain('stale.yaml');
      expect(readdirSync(dir)).toHaveLength(resolveProfile(root, 'redis').length);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
