/**
 * The chart's least privilege: NetworkPolicies (in: the ingress to the app port, the sidecars to
 * the mesh port; out: DNS, Dapr, the sidecars and the listed data stores and HTTPS), the data
 * namespace's policy, one IAM role per service scoped to its own topics, queue, tables, bucket and
 * secrets, Redis with a password outside local environments (and TLS on EKS), LOCAL_DEV only in a
 * local environment.
 */
import { readFileSync } from 'node:fs';
import { deadLetterTopic, publicationsOf, serviceNames, subscriptionsOf } from '@mp/contracts';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type Manifest, ofKind, render, renderError, type ValueSet, valueSets } from './render.ts';

const sets = Object.keys(valueSets) as ValueSet[];
const rendered = Object.fromEntries(sets.map((s) => [s, render(s)])) as Record<ValueSet, Manifest[]>;
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const portsOf = (rule: any) => (rule.ports ?? []).map((p: any) => p.port);

describe.each(sets)('NetworkPolicies with %s values', (set) => {
  const policies = ofKind(rendered[set], 'NetworkPolicy');
  const releasePods = {
    'app.kubernetes.io/instance': 'marketplace',
    'app.kubernetes.io/part-of': 'marketplace',
  };

  it('admit the ingress to the app port, the sidecars to the mesh port, and nothing else, per service', () => {
    for (const name of serviceNames) {
      const p = policies.find((x) => x.metadata.name === `marketplace-${name}`)!;
      expect(p, name).toBeTruthy();
      expect(p.spec.podSelector.matchLabels).toEqual({
        'app.kubernetes.io/instance': 'marketplace',
        'app.kubernetes.io/name': name,
      });
      expect(p.spec.policyTypes).toEqual(['Ingress']);
      for (const rule of p.spec.ingress) {
        // Every rule names its sources and its ports: no rule admits anyone, or any port.
        expect(rule.from?.length, name).toBeGreaterThan(0);
        expect(rule.ports?.length, name).toBeGreaterThan(0);
      }
      const [pub, mesh, ...rest] = p.spec.ingress;
      expect(portsOf(pub)).toEqual(['http']);
      expect(pub.from.some((f: any) => f.podSelector)).toBe(false);
      expect(portsOf(mesh)).toEqual([50002]);
      expect(mesh.from).toEqual([{ podSelector: { matchLabels: releasePods } }]);
      for (const r of rest) expect(portsOf(r)).toEqual([9090, 'metrics']);
      // The sidecars' own APIs (3500 HTTP, 50001 gRPC) are never opened.
      expect(p.spec.ingress.flatMap(portsOf)).not.toContain(3500);
      expect(p.spec.ingress.flatMap(portsOf)).not.toContain(50001);
    }
  });

  it('let the pods out only to DNS, Dapr, the sidecars and the listed destinations, each on its ports', () => {
    const egress = policies.find((x) => x.metadata.name === 'marketplace-egress')!;
    expect(egress.spec.podSelector.matchLabels).toEqual(releasePods);
    expect(egress.spec.policyTypes).toEqual(['Egress']);
    for (const rule of egress.spec.egress) {
      expect(rule.to?.length).toBeGreaterThan(0);
      expect(rule.ports?.length).toBeGreaterThan(0);
    }
    const [dns, dapr, mesh] = egress.spec.egress;
    expect(portsOf(dns)).toEqual([53, 53]);
    expect(dns.to[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'kube-system' });
    expect(dapr.to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dapr-system' } } },
    ]);
    expect(portsOf(dapr).sort()).toEqual([50001, 50005, 50006, 6500].sort());
    expect(portsOf(mesh)).toEqual([50002]);
    const all = egress.spec.egress.flatMap(portsOf);
    expect(all).toContain(5432);
    expect(all).toContain(443);
    if (set !== 'eks') expect(all).toContain(6379);
    if (set === 'local') expect(all).toEqual(expect.arrayContaining([5000, 1025]));
  });
});

describe('the EKS load balancer and the data namespace', () => {
  it('admits the ALB from its subnets only, never the whole VPC', () => {
    const p = ofKind(rendered.eks, 'NetworkPolicy').find((x) => x.metadata.name === 'marketplace-order')!;
    const blocks = p.spec.ingress[0].from.map((f: any) => f.ipBlock?.cidr);
    expect(blocks.length).toBeGreaterThan(0);
    for (const cidr of blocks) expect(Number(cidr.split('/')[1]), cidr).toBeGreaterThanOrEqual(22);
  });

  it('lets only the marketplace namespace into the data namespace (k8s/local), each store on its port', () => {
    const docs = parseAllDocuments(read('k8s/local/network-policy.yaml')).map((d) => d.toJS());
    const deny = docs.find((d) => d.metadata.name === 'default-deny');
    expect(deny).toMatchObject({
      kind: 'NetworkPolicy',
      metadata: { namespace: 'marketplace-infra' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
    expect(deny.spec.ingress).toBeUndefined();
    const allow = docs.find((d) => d.metadata.name === 'data-from-marketplace');
    expect(allow.metadata.namespace).toBe('marketplace-infra');
    const [rule] = allow.spec.ingress;
    expect(allow.spec.ingress).toHaveLength(1);
    expect(rule.from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'marketplace' } } },
      { podSelector: {} },
    ]);
    expect(portsOf(rule).sort()).toEqual([1025, 5000, 5432, 6379, 9411]);
    // Every data store of k8s/local is one the policy covers (and the trace viewer).
    const stores = ['postgresql', 'redis', 'moto', 'mailpit', 'zipkin'];
    expect(allow.spec.podSelector.matchExpressions[0].values.sort()).toEqual(stores.sort());
    for (const store of stores)
      expect(read(`k8s/local/${store}.yaml`)).toContain(`app.kubernetes.io/name: ${store}`);
  });
});

describe('per-service IAM on EKS', () => {
  const policy = (name: string) => JSON.parse(read(`k8s/eks/iam/${name}.policy.json`));
  const trust = (name: string) => JSON.parse(read(`k8s/eks/iam/${name}.trust.json`));
  const actions = (p: any, prefix: string) =>
    p.Statement.filter((s: any) => s.Action.some((a: string) => a.startsWith(prefix)));
  const sns = (topic: string) => `arn:aws:sns:ap-northeast-2:123456789012:${topic.replaceAll('.', '')}`;

  it('maps every ServiceAccount to its own role, and no role is shared', () => {
    const sas = ofKind(rendered.eks, 'ServiceAccount');
    expect(sas).toHaveLength(serviceNames.length);
    const arns = sas.map((sa) => sa.metadata.annotations?.['eks.amazonaws.com/role-arn']);
    expect(new Set(arns).size).toBe(serviceNames.length);
    for (const sa of sas) {
      const name = sa.metadata.name.replace(/^marketplace-/, '');
      expect(sa.metadata.annotations?.['eks.amazonaws.com/role-arn']).toBe(
        `arn:aws:iam::123456789012:role/marketplace-${name}`,
      );
      // Only this ServiceAccount may assume the role.
      const [st] = trust(name).Statement;
      expect(st.Condition.StringLike).toBeUndefined();
      expect(Object.values(st.Condition.StringEquals)).toContain(
        `system:serviceaccount:marketplace:${sa.metadata.name}`,
      );
    }
  });

  it('scopes each role to its own topics, queue, tables, bucket and secrets', () => {
    const components = ofKind(rendered.eks, 'Component');
    for (const name of serviceNames) {
      const p = policy(name);
      const publishes = p.Statement.filter((s: any) => s.Sid === 'PublishOwnTopics').flatMap(
        (s: any) => s.Resource,
      );
      const subscribes = subscriptionsOf(name);
      const expectPublish = [...publicationsOf(name), ...(subscribes.length ? [deadLetterTopic] : [])];
      expect(publishes.sort(), name).toEqual([...new Set(expectPublish)].map(sns).sort());
      const queues = actions(p, 'sqs:').flatMap((s: any) => s.Resource);
      expect(queues, name).toEqual(
        subscribes.length ? [`arn:aws:sqs:ap-northeast-2:123456789012:${name}`] : [],
      );
      const subscribed = p.Statement.filter((s: any) => s.Sid === 'SubscribeOwnQueue')
        .flatMap((s: any) => s.Resource)
        .filter((r: string) => !r.endsWith(':*'));
      const expectSubscribed = name === 'admin' ? [...subscribes, deadLetterTopic] : subscribes;
      expect(subscribed.sort(), name).toEqual(expectSubscribed.map(sns).sort());
      const tables = actions(p, 'dynamodb:').flatMap((s: any) =>
        s.Resource.map((r: string) => r.split('/').pop()),
      );
      const scoped = components
        .filter((c) => c.spec.type === 'state.aws.dynamodb' && c.scopes?.includes(name))
        .map((c) => c.spec.metadata.find((m: any) => m.name === 'table').value);
      expect(tables.sort(), name).toEqual(scoped.sort());
      const deployment = ofKind(rendered.eks, 'Deployment').find(
        (d) => d.metadata.name === `marketplace-${name}`,
      )!;
      const bucket = deployment.spec.template.spec.containers[0].env.find(
        (e: any) => e.name === 'S3_BUCKET',
      )?.value;
      const buckets = actions(p, 's3:').flatMap((s: any) => s.Resource);
      expect(buckets, name).toEqual(bucket ? [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] : []);
      expect(
        actions(p, 'secretsmanager:').flatMap((s: any) => s.Resource),
        name,
      ).toEqual([`arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:marketplace/${name}/*`]);
      // "*" only where AWS allows nothing narrower: SMS to a phone number, for those that send it.
      for (const s of p.Statement)
        if (s.Resource.includes('*')) expect([name, s.Action]).toEqual(['notification', ['sns:Publish']]);
      expect(actions(p, 'ses:').length > 0, name).toBe(name === 'notification');
    }
  });
});

describe('Redis and LOCAL_DEV outside local environments', () => {
  const redisMeta = (ms: Manifest[]) =>
    ofKind(ms, 'Component')
      .filter((c) => c.spec.type === 'pubsub.redis' || c.spec.type === 'state.redis')
      .map((c) => Object.fromEntries(c.spec.metadata.map((m: any) => [m.name, m])));

  it('gives every Redis component a password in production, and TLS on EKS', () => {
    const prod = redisMeta(rendered.default);
    expect(prod.length).toBeGreaterThan(0);
    for (const m of prod)
      expect(m.redisPassword?.secretKeyRef).toEqual({ name: 'marketplace-redis', key: 'password' });
    const eks = redisMeta(render('eks', ['--set', 'dapr.profile=redis']));
    expect(eks.length).toBeGreaterThan(0);
    for (const m of eks) {
      expect(m.redisPassword?.secretKeyRef?.name).toBeTruthy();
      expect(m.enableTLS.value).toBe('true');
    }
    // The local cluster's Redis has none (a local environment).
    for (const m of redisMeta(rendered.local)) expect(m.redisPassword).toBeUndefined();
  });

  it('refuses Redis without a password outside a local environment', () => {
    for (const profile of ['redis', 'rabbitmq'])
      expect(
        renderError('default', [
          '--set',
          `dapr.profile=${profile}`,
          '--set',
          'dapr.redis.passwordSecret.name=',
        ]),
      ).toMatch(/dapr\.redis\.passwordSecret: Redis .* needs a password outside local environments/);
    expect(renderError('local', ['--set', 'environment=staging', '--set', 'localDev=false'])).toMatch(
      /needs a password outside local environments \(environment: "staging"\)/,
    );
  });

  it('refuses LOCAL_DEV unless the environment is explicitly a local one', () => {
    for (const environment of ['staging', 'prod', 'Production'])
      expect(renderError('local', ['--set', `environment=${environment}`]), environment).toMatch(
        /localDev .* is only for a local environment/,
      );
    // No environment at all: the values schema refuses it before the template's check.
    expect(renderError('local', ['--set', 'environment='])).toMatch(
      /at '\/environment': minLength|localDev .* is only for a local environment/,
    );
    expect(render('local', ['--set', 'environment=dev']).length).toBeGreaterThan(0);
  });
});
