/**
 * The Helm chart against the single sources: the Subscriptions it renders are the event catalog's,
 * the Ingress paths are the route table's, every service of the catalog has its Deployment, and
 * production values never turn on development conveniences. Rendered offline with helm template.
 */
import {
  type CallSpec,
  callNames,
  calls,
  deadLetterTopic,
  deliveryOf,
  eventTypes,
  findCall,
  monitorService,
  routeTable,
  type ServiceName,
  sandboxRoutes,
  serviceNames,
  services,
  subscriptionsOf,
} from '@mp/contracts';
import { describe, expect, it } from 'vitest';
import { baseConfigSchema } from '../../packages/platform/src/config.ts';
import { topicsFor } from '../../packages/platform/src/subscriptions.ts';
import { accessPolicies, metricSpec, operationsAllow, pubsubScopes } from '../../scripts/gen/access.ts';
import { type Manifest, ofKind, render, renderError, type ValueSet, valueSets } from './render.ts';

const sets = Object.keys(valueSets) as ValueSet[];

/** A service's container environment: plain values, and secret references as `secret:<key>`. */
function envOf(ms: Manifest[], service: string): Record<string, string> {
  const d = ofKind(ms, 'Deployment').find((x) => x.metadata.name === `marketplace-${service}`)!;
  return Object.fromEntries(
    d.spec.template.spec.containers[0].env.map((e: any) => [
      e.name,
      e.value ?? `secret:${e.valueFrom.secretKeyRef.key}`,
    ]),
  );
}
const rendered = Object.fromEntries(sets.map((s) => [s, render(s)])) as Record<ValueSet, Manifest[]>;

describe.each(sets)('the chart with %s values', (set) => {
  const ms = rendered[set];

  it('renders the Subscriptions of the catalog: each app once per topic it takes, with its delivery settings', () => {
    const subs = ofKind(ms, 'Subscription');
    expect(new Set(subs.map((s) => s.metadata.name)).size).toBe(subs.length);
    expect([...new Set(subs.map((s) => s.spec.topic))].sort()).toEqual(
      [...eventTypes, deadLetterTopic].sort(),
    );
    for (const s of subs) {
      expect(s.apiVersion).toBe('dapr.io/v2alpha1');
      expect(s.spec.pubsubname).toBe('pubsub');
      expect(s.spec.routes).toEqual({ default: `/events/${s.spec.topic}` });
      // The same settings, app by app, as local runs, where the kit subscribes programmatically.
      for (const app of (s.scopes ?? []) as ServiceName[])
        expect(s.spec.bulkSubscribe, `${app} ${s.spec.topic}`).toEqual(deliveryOf(app, s.spec.topic));
      if (s.spec.topic === deadLetterTopic) {
        expect(s.scopes).toEqual([monitorService]);
        expect(s.spec.deadLetterTopic).toBeUndefined();
      } else expect(s.spec.deadLetterTopic).toBe(deadLetterTopic);
    }
    // Every subscriber of a topic in exactly one of its Subscriptions.
    for (const topic of [...eventTypes, deadLetterTopic]) {
      const scoped = subs.filter((s) => s.spec.topic === topic).flatMap((s) => s.scopes ?? []);
      const expected = serviceNames.filter((n) => topicsFor(n, n === monitorService).includes(topic));
      expect(scoped.slice().sort(), topic).toEqual(expected.slice().sort());
    }
    // Every order's events reach the saga in short batches, its rarer ones at once; the monitor
    // follows in the followers' batches.
    const subscriptionOf = (topic: string, app: ServiceName) =>
      subs.find((s) => s.spec.topic === topic && s.scopes?.includes(app));
    expect(subscriptionOf('order.created', 'payment')?.spec.bulkSubscribe).toEqual({
      enabled: true,
      maxMessagesCount: 50,
      maxAwaitDurationMs: 100,
    });
    expect(subscriptionOf('order.created', 'payment')?.metadata.name).toBe('order.created');
    expect(subscriptionOf('order.cancelled', 'payment')?.spec.bulkSubscribe).toEqual({ enabled: false });
    expect(subscriptionOf('order.created', monitorService)?.spec.bulkSubscribe).toEqual({
      enabled: true,
      maxMessagesCount: 100,
      maxAwaitDurationMs: 500,
    });
  });

  it('gives each service only variables its config reads (a misspelt or renamed one fails here)', async () => {
    // Given to every service; read by those that build public links (auth, notification).
    const chartWide = new Set(['PUBLIC_BASE_URL']);
    for (const name of serviceNames) {
      const { service } = await import(`../../services/${name}/src/service.ts`);
      const known = new Set(Object.keys((service.config ?? baseConfigSchema).shape));
      for (const variable of Object.keys(envOf(ms, name)))
        if (!chartWide.has(variable)) expect(known, `${name} reads ${variable}`).toContain(variable);
    }
  });

  it('gives every service the allowed browser origins of the values, as the kit reads them', () => {
    const expected = set === 'local' ? ['http://localhost:5173', 'http://127.0.0.1:5173'] : [];
    for (const name of serviceNames) {
      const parsed = baseConfigSchema.shape.CORS_ALLOWED_ORIGINS.parse(envOf(ms, name).CORS_ALLOWED_ORIGINS);
      expect(parsed, name).toEqual(expected);
    }
  });

  it("turns on each sidecar's tracing, and gives the apps the same sampling rate", () => {
    const expected = {
      default: {
        samplingRate: '1',
        otel: { endpointAddress: 'otel-collector.observability.svc.cluster.local:4317' },
      },
      local: {
        samplingRate: '1',
        zipkin: { endpointAddress: 'http://zipkin.marketplace-infra.svc.cluster.local:9411/api/v2/spans' },
      },
      eks: {
        samplingRate: '0.1',
        otel: { endpointAddress: 'adot-collector.opentelemetry-operator-system.svc.cluster.local:4317' },
      },
    }[set];
    for (const name of serviceNames) {
      const config = ofKind(ms, 'Configuration').find((c) => c.metadata.name === `marketplace-${name}`)!;
      expect(config.spec.tracing, name).toMatchObject(expected);
      expect(Object.keys(config.spec.tracing).sort(), name).toEqual(Object.keys(expected).sort());
      const rate = baseConfigSchema.shape.TRACING_SAMPLING_RATE.parse(envOf(ms, name).TRACING_SAMPLING_RATE);
      expect(rate, name).toBe(Number(expected.samplingRate));
    }
  });

  it('gives each service the same topics as the kit would subscribe it to programmatically', () => {
    const subs = ofKind(ms, 'Subscription');
    for (const name of serviceNames) {
      const declared = subs.filter((s) => s.scopes?.includes(name)).map((s) => s.spec.topic);
      expect(declared.sort(), name).toEqual(topicsFor(name, name === monitorService).sort());
    }
  });

  it('routes exactly the contract prefixes through the Ingress, each to its service', () => {
    const [ingress, ...more] = ofKind(ms, 'Ingress');
    expect(more).toHaveLength(0);
    const paths = ingress!.spec.rules.flatMap((r: any) =>
      r.http.paths.map((p: any) => ({ path: p.path, type: p.pathType, backend: p.backend.service.name })),
    );
    const routes = [...routeTable(), ...(set === 'local' ? sandboxRoutes : [])];
    expect(paths.map((p: any) => p.path).sort()).toEqual(routes.map((r) => r.prefix).sort());
    for (const r of routes) {
      const p = paths.find((x: any) => x.path === r.prefix);
      expect(p, r.prefix).toEqual({ path: r.prefix, type: 'Prefix', backend: `marketplace-${r.service}` });
    }
    const services = new Set(ofKind(ms, 'Service').map((s) => s.metadata.name));
    for (const p of paths) expect(services.has(p.backend), p.backend).toBe(true);
  });

  it('has a Deployment on a Dapr sidecar for every service of the catalog, probed and locked down', () => {
    const deployments = ofKind(ms, 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
      serviceNames.map((n) => `marketplace-${n}`).sort(),
    );
    for (const name of serviceNames) {
      const d = deployments.find((x) => x.metadata.name === `marketplace-${name}`)!;
      const pod = d.spec.template;
      const a = pod.metadata.annotations;
      expect(a['dapr.io/enabled']).toBe('true');
      expect(a['dapr.io/app-id']).toBe(name);
      expect(a['dapr.io/app-port']).toBe(String(services[name].port));
      expect(a['dapr.io/config']).toBe(`marketplace-${name}`);
      expect(a['dapr.io/app-token-secret']).toBeTruthy();
      const c = pod.spec.containers[0];
      expect(c.readinessProbe.httpGet.path).toBe('/readyz');
      expect(c.livenessProbe.httpGet.path).toBe('/healthz');
      expect(c.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
      expect(c.resources.limits.memory).toBeTruthy();
      const env = Object.fromEntries(c.env.map((e: any) => [e.name, e]));
      expect(env.DATABASE_URL.valueFrom.secretKeyRef.key).toBe(`database-url-${services[name].database}`);
      expect(env.APP_API_TOKEN.valueFrom.secretKeyRef).toEqual({
        name: `marketplace-app-api-token-${name}`,
        key: 'token',
      });
      expect(env.DAPR_API_TOKEN.valueFrom.secretKeyRef).toEqual({
        name: `marketplace-dapr-api-token-${name}`,
        key: 'token',
      });
      expect(pod.metadata.annotations['dapr.io/app-token-secret']).toBe(`marketplace-app-api-token-${name}`);
      expect(pod.metadata.annotations['dapr.io/api-token-secret']).toBe(`marketplace-dapr-api-token-${name}`);
      expect(env.LOCAL_DEV?.value, name).toBe(set === 'local' ? 'true' : undefined);
    }
  });

  it('puts every object in the release namespace (helm template and Tilt apply what they render)', () => {
    for (const m of ms) expect(m.metadata.namespace, `${m.kind} ${m.metadata.name}`).toBe('marketplace');
  });

  it('scopes the pubsub component to the event catalog (who publishes and subscribes to what)', () => {
    const pubsub = ofKind(ms, 'Component').find((c) => c.metadata.name === 'pubsub')!;
    const meta = (pubsub.spec.metadata as { name: string; value?: string }[]).filter((m) =>
      ['publishingScopes', 'subscriptionScopes', 'allowedTopics'].includes(m.name),
    );
    expect(meta).toEqual(pubsubScopes());
  });

  it("labels the sidecars' HTTP metrics by the calls' templates, not by the ids in their paths", () => {
    const spec = metricSpec();
    // Every call whose path holds an id is matched by its template (as the local runner's sidecars are).
    for (const n of callNames)
      if (calls[n].path.includes('{')) expect(spec.http.pathMatching, n).toContain(calls[n].path);
    for (const config of ofKind(ms, 'Configuration'))
      expect(config.spec.metric, config.metadata.name).toEqual(spec);
  });

  it('configures each sidecar to let each caller invoke exactly the calls of the list', () => {
    const configs = ofKind(ms, 'Configuration');
    expect(configs).toHaveLength(serviceNames.length);
    const sample = (p: string) => p.replace(/\{[^}]+\}/g, 'x1');
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    const widened: string[] = [];
    for (const callee of serviceNames) {
      const config = configs.find((c) => c.metadata.name === `marketplace-${callee}`)!;
      expect(
        ofKind(ms, 'Deployment').find((d) => d.metadata.name === `marketplace-${callee}`)!.spec.template
          .metadata.annotations['dapr.io/config'],
      ).toBe(config.metadata.name);
      const ac = config.spec.accessControl;
      expect(ac.defaultAction).toBe('deny');
      expect(ac.trustDomain).toBe('public');
      const policies: { appId: ServiceName; defaultAction: string; namespace: string; operations: any[] }[] =
        ac.policies ?? [];
      for (const p of policies) {
        expect(p.defaultAction).toBe('deny');
        expect(p.namespace).toBe('marketplace');
      }
      // What is rendered is what scripts/gen/access.ts made of the list of synchronous calls.
      expect(policies.map((p) => ({ appId: p.appId, operations: p.operations }))).toEqual(
        accessPolicies()[callee],
      );
      // Under Dapr's matching, every listed call passes and nothing else on the callee's paths.
      const paths = [
        ...new Set(callNames.filter((n) => calls[n].callee === callee).map((n) => calls[n].path)),
      ];
      for (const caller of serviceNames) {
        const ops = policies.find((p) => p.appId === caller)?.operations ?? [];
        for (const path of paths)
          for (const method of methods) {
            const exact = callNames.some((n) => {
              const c: CallSpec = calls[n];
              return (
                c.callee === callee && c.method === method && c.path === path && c.callers.includes(caller)
              );
            });
            const allowed = operationsAllow(ops, method, sample(path));
            if (exact) expect(allowed, `${caller} → ${callee} ${method} ${path}`).toBe(true);
            // Allowed only as a listed call (`/internal/users/lookup` is also `/internal/users/{id}`).
            else if (allowed && !findCall(caller, callee, method, sample(path)))
              widened.push(`${caller} → ${callee} ${method} ${path}`);
          }
      }
    }
    // Where Dapr's operation matching cannot be exact (scripts/gen/access.ts): `/a/*` also matches
    // `/a`, and an operation that is a prefix of another becomes `/a/*`. Reads only.
    expect(widened.sort()).toEqual([
      'admin → product GET /internal/products/lookup',
      'admin → product GET /internal/products/quote',
      'admin → seller GET /internal/sellers/{id}',
      'auth → user GET /internal/users',
      'notification → user GET /internal/users',
      'product → seller GET /internal/sellers',
      'settlement → seller GET /internal/sellers',
    ]);
  });
});

describe('profiles and environments', () => {
  const types = (set: ValueSet) =>
    Object.fromEntries(ofKind(rendered[set], 'Component').map((c) => [c.metadata.name, c.spec.type]));

  it('uses SNS/SQS, DynamoDB tables named as the original design names them, S3 and SES on EKS', () => {
    const t = types('eks');
    expect(t.pubsub).toBe('pubsub.aws.snssqs');
    expect(t.email).toBe('bindings.aws.ses');
    // S3 through the SDK with the pod's IRSA role: a region and a bucket, no endpoint, no keys.
    const env = envOf(rendered.eks, 'settlement');
    expect(env.S3_REGION).toBe('ap-northeast-2');
    expect(env.S3_BUCKET).toBe('marketplace-settlements-prod');
    expect(env.S3_ENDPOINT).toBeUndefined();
    expect(env.S3_ACCESS_KEY_ID).toBeUndefined();
    expect(envOf(rendered.local, 'stats').S3_ENDPOINT).toMatch(/^http:\/\/moto\./);
    const tables = ofKind(rendered.eks, 'Component')
      .filter((c) => c.spec.type === 'state.aws.dynamodb')
      .map((c) => c.spec.metadata.find((m: any) => m.name === 'table').value)
      .sort();
    expect(tables).toEqual([
      'Carts',
      'ClickEvents',
      'NotificationSettings',
      'Notifications',
      'ProductViews',
      'RateLimits',
      'SearchCache',
      'Sessions',
      'Wishlists',
    ]);
    const ingress = ofKind(rendered.eks, 'Ingress')[0]!;
    expect(ingress.spec.ingressClassName).toBe('alb');
    expect(ingress.metadata.annotations?.['alb.ingress.kubernetes.io/target-type']).toBe('ip');
    const sa = ofKind(rendered.eks, 'ServiceAccount')[0]!;
    expect(sa.metadata.annotations?.['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::/);
  });

  it('bounds the messages in flight to an app as the local profiles do, on every broker', () => {
    const bound: Record<string, string> = {
      'pubsub.redis': '500',
      'pubsub.rabbitmq': '100',
      'pubsub.aws.snssqs': '500',
    };
    const key: Record<string, string> = {
      'pubsub.redis': 'concurrency',
      'pubsub.rabbitmq': 'prefetchCount',
      'pubsub.aws.snssqs': 'concurrencyLimit',
    };
    for (const set of sets) {
      const pubsub = ofKind(rendered[set], 'Component').find((c) => c.metadata.name === 'pubsub')!;
      const meta = pubsub.spec.metadata as { name: string; value?: string }[];
      expect(meta.find((m) => m.name === key[pubsub.spec.type])?.value, set).toBe(bound[pubsub.spec.type]);
    }
  });

  it("grants the services' IAM roles together exactly the DynamoDB tables the chart uses", async () => {
    const { readFileSync } = await import('node:fs');
    const granted = [
      ...new Set(
        serviceNames.flatMap((name) =>
          JSON.parse(readFileSync(new URL(`../../k8s/eks/iam/${name}.policy.json`, import.meta.url), 'utf8'))
            .Statement.filter((s: any) => s.Sid === 'OwnStateTables')
            .flatMap((s: any) => s.Resource.map((arn: string) => arn.split('/').pop())),
        ),
      ),
    ].sort();
    const used = ofKind(rendered.eks, 'Component')
      .filter((c) => c.spec.type === 'state.aws.dynamodb')
      .map((c) => c.spec.metadata.find((m: any) => m.name === 'table').value)
      .sort();
    expect(granted).toEqual(used);
  });

  it('uses Redis and in-cluster PostgreSQL locally', () => {
    const t = types('local');
    expect(t.pubsub).toBe('pubsub.redis');
    expect(Object.values(t).filter((x) => x === 'state.redis').length).toBeGreaterThan(0);
    const secret = ofKind(rendered.local, 'Secret').find((s) => s.metadata.name === 'marketplace-secrets')!;
    expect(Buffer.from(secret.data!['database-url-users_db']!, 'base64').toString()).toMatch(
      /^postgres:\/\/.*postgresql\.marketplace-infra.*\/users_db$/,
    );
  });

  it("renders the profile-free components of local runs (components/common's cron bindings)", async () => {
    const { readResources } = await import('../../scripts/stack/profiles.ts');
    const { parse } = await import('yaml');
    const common = readResources(new URL('../..', import.meta.url).pathname, 'components/common').filter(
      (r) => r.kind === 'Component',
    );
    expect(common.length).toBeGreaterThan(0);
    for (const set of sets)
      for (const c of common) {
        const doc = parse(c.text);
        const got = ofKind(rendered[set], 'Component').find((x) => x.metadata.name === c.name);
        expect(got?.spec, `${set} ${c.name}`).toEqual(doc.spec);
        expect(got?.scopes, `${set} ${c.name}`).toEqual(doc.scopes);
      }
  });

  it('mirrors the resiliency policy of local runs', async () => {
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const local = parse(
      readFileSync(new URL('../../components/common/resiliency.yaml', import.meta.url), 'utf8'),
    );
    for (const set of sets) expect(ofKind(rendered[set], 'Resiliency')[0]!.spec).toEqual(local.spec);
  });

  it('never holds a secret value or development switch in production values', () => {
    for (const set of ['default', 'eks'] as const) {
      expect(ofKind(rendered[set], 'Secret')).toHaveLength(0);
      expect(
        ofKind(rendered[set], 'Ingress')[0]!.spec.rules[0].http.paths.map((p: any) => p.path),
      ).not.toContain('/sandbox/pg');
    }
  });

  it('refuses to install without Dapr CRDs, with a message that says what to do', () => {
    expect(renderError('default', [], [])).toMatch(
      /Dapr's CRDs are missing.*\n.*Install the Dapr control plane 1\.18\.2/,
    );
  });

  it('refuses LOCAL_DEV in production and unknown service names', () => {
    expect(renderError('eks', ['--set', 'localDev=true'])).toMatch(
      /only for a local environment .* not environment: "production"/,
    );
    // values.schema.json refuses it first; the template's own check stays for charts without it.
    expect(renderError('default', ['--set', 'services.ordr.replicas=3'])).toMatch(
      /services\.ordr: no such service|additional properties 'ordr' not allowed/,
    );
    expect(renderError('default', ['--set', 'secrets.create=true'])).toMatch(
      /secrets\.create is for local clusters/,
    );
  });
});

describe('the values schema (values.schema.json, generated from values.yaml)', () => {
  it('refuses a misspelt key, a service that does not exist and a profile that does not', () => {
    expect(renderError('default', ['--set', 'ingres.enabled=true'])).toMatch(/ingres/);
    expect(renderError('default', ['--set', 'serviceDefaults.replica=3'])).toMatch(/replica/);
    expect(renderError('default', ['--set', 'services.ordr.replicas=1'])).toMatch(/ordr/);
    expect(renderError('default', ['--set', 'dapr.profile=kafka'])).toMatch(/profile/);
    expect(renderError('default', ['--set', 'cors.allowedOrigins={*}'])).toMatch(/allowedOrigins/);
  });

  it('accepts the local and EKS values and a per-service override', () => {
    expect(render('default', ['--set', 'services.order.replicas=3']).length).toBeGreaterThan(10);
  });
});
