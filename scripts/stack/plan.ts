/**
 * What the local runner starts: for each of the 16 services a Node process and its daprd sidecar,
 * with ports, environment and arguments derived from the services table.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ServiceName, serviceNames } from '@mp/contracts';
import { parse, stringify } from 'yaml';
import { accessControl, metricSpec } from '../gen/access.ts';
import {
  databaseOf,
  gatewayPortOf,
  localCorsOrigins,
  portsOf,
  root,
  runDir,
  sentryPortsOf,
  stackNumber,
  traceViewerPortOf,
} from './ports.ts';
import { profileNames, profiles, writeProfile } from './profiles.ts';
import { localSecrets, type Secrets } from './secrets.ts';

export { portsOf, profiles };

export const gatewayPort = gatewayPortOf();

/**
 * The SPIFFE identity of every sidecar (spiffe://<trust domain>/ns/<namespace>/<app id>), which the
 * access-control policies name: the chart's defaults (dapr.trustDomain, the release namespace).
 */
export const trustDomain = 'public';
export const namespace = 'marketplace';

export const localAdmin = {
  email: process.env.ADMIN_EMAIL ?? 'admin@marketplace.local',
  password: process.env.ADMIN_PASSWORD ?? 'admin-password-change-me',
};

/** Variables only some services read, for local runs. */
function localEnv(secrets: Secrets): Partial<Record<ServiceName, Record<string, string>>> {
  // Social login against the local OIDC sandbox (scripts/lib/infra.sh start_oidc_sandbox).
  const oidcIssuer = `http://127.0.0.1:${process.env.MP_OIDC_PORT ?? 8480 + stackNumber()}`;
  const oidc = Object.fromEntries(
    ['KAKAO', 'GOOGLE'].flatMap((p) => [
      [`OIDC_${p}_CLIENT_ID`, `${p.toLowerCase()}-local`],
      [`OIDC_${p}_CLIENT_SECRET`, `${p.toLowerCase()}-local-sandbox-secret`],
      [`OIDC_${p}_ISSUER`, oidcIssuer],
    ]),
  );
  // S3 is the local AWS emulator (scripts/lib/infra.sh), which takes any credentials.
  const s3 = {
    S3_ENDPOINT: process.env.MP_AWS_ENDPOINT ?? 'http://127.0.0.1:4566',
    S3_CREATE_BUCKET: 'true',
    S3_ACCESS_KEY_ID: 'local',
    S3_SECRET_ACCESS_KEY: 'local',
  };
  // Push through the FCM sandbox in notification (/sandbox/fcm), with the stack's service account.
  const fcmSandbox = `http://127.0.0.1:${portsOf('notification').app}/sandbox/fcm`;
  const fcmServiceAccount = {
    type: 'service_account',
    project_id: 'marketplace-local',
    private_key_id: secrets.fcmPrivateKeyId,
    private_key: secrets.fcmPrivateKey,
    client_email: 'notification@marketplace-local.iam.gserviceaccount.com',
    token_uri: `${fcmSandbox}/token`,
  };
  return {
    notification: {
      // As the chart's values: a pool that holds every delivery in flight (its handlers look people up).
      DB_POOL_MAX: '30',
      FCM_SANDBOX: 'true',
      FCM_SERVICE_ACCOUNT_JSON: JSON.stringify(fcmServiceAccount),
      FCM_BASE_URL: fcmSandbox,
      // SMS through SNS on the AWS emulator, which keeps what it was sent (/moto-api/data.json).
      SNS_ENDPOINT: s3.S3_ENDPOINT,
      SNS_ACCESS_KEY_ID: 'local',
      SNS_SECRET_ACCESS_KEY: 'local',
      NOTIFICATION_JOBS_POLL_MS: '1000',
      // 알림톡 through the Kakao 비즈메시지 sandbox in notification (/sandbox/kakao), its own account.
      KAKAO_SANDBOX: 'true',
    },
    auth: {
      AUTH_KEY_ENCRYPTION_KEY: secrets.authKeyEncryptionKey,
      ...oidc,
      // Locally every client is the gateway's 127.0.0.1, shared by all the test suites: the
      // per-address throttle gets room for them (per-account throttling is unchanged).
      LOGIN_IP_SLOW_AFTER: '500',
      LOGIN_IP_BLOCK_AFTER: '2000',
    },
    file: s3,
    settlement: s3,
    stats: s3,
    // Headless switches (README): the PG sandbox pays every new order, the carrier sandbox moves
    // parcels a step on every tracking query. Off unless asked for.
    payment: {
      PG_SANDBOX_AUTO_APPROVE: process.env.PG_SANDBOX_AUTO_APPROVE ?? 'false',
      PAYMENT_JOBS_POLL_MS: '1000',
      PAYMENT_RECONCILE_AFTER_MS: '5000',
    },
    shipping: {
      TRACKING_POLL_MS: '1000',
      CARRIER_SANDBOX_AUTO_ADVANCE: process.env.CARRIER_SANDBOX_AUTO_ADVANCE ?? 'false',
    },
    order: {
      ORDER_SWEEP_MS: '1000',
      ORDER_AUTO_CONFIRM_DAYS: process.env.ORDER_AUTO_CONFIRM_DAYS ?? '7',
      // The door's balance against the sagas (decision 0063): set to 0 to measure without it.
      ...Object.fromEntries(
        ['ORDER_CROWD_HOLD_MS', 'ORDER_CROWD_SETTLE_MS', 'ORDER_SAGA_LAG_TARGET_MS']
          .filter((k) => process.env[k] !== undefined)
          .map((k) => [k, process.env[k]!]),
      ),
    },
  };
}

export interface ProcessSpec {
  name: string;
  service?: ServiceName;
  command: string;
  args: string[];
  env: Record<string, string>;
  log: string;
}

/**
 * How the sidecars trace locally: every trace (MP_TRACING_SAMPLING_RATE to sample fewer, e.g. for
 * a benchmark), sent to the stack's Zipkin. The apps get the same rate (TRACING_SAMPLING_RATE).
 */
export const localTracing = () => ({
  samplingRate: process.env.MP_TRACING_SAMPLING_RATE ?? '1',
  zipkin: { endpointAddress: `http://127.0.0.1:${traceViewerPortOf()}/api/v2/spans` },
});

/**
 * An app's Dapr Configuration in this stack: components/config.yaml with the stack's own
 * name-resolution database, its tracing to the stack's trace viewer (as the chart's Configuration
 * has `tracing` from its values), and the app's access control and metric labels generated from
 * the list of synchronous calls (scripts/gen/access.ts, the same as the chart's).
 */
function daprConfig(name: ServiceName): string {
  const file = join(runDir, 'dapr', `config-${name}.yaml`);
  mkdirSync(dirname(file), { recursive: true });
  const doc = parse(
    readFileSync(join(root, 'components', 'config.yaml'), 'utf8').replace(
      '.run/dapr/nameresolution.db',
      join(runDir, 'dapr', 'nameresolution.db'),
    ),
  );
  doc.metadata.name = name;
  doc.spec.tracing = localTracing();
  doc.spec.accessControl = accessControl(name, trustDomain, namespace);
  doc.spec.metric = metricSpec();
  writeFileSync(file, stringify(doc, { lineWidth: 0 }));
  return file;
}

/**
 * The threads of Go code a sidecar runs: the chart's `serviceDefaults.sidecar.goMaxProcs`, which its
 * pods get in the sidecar's env (`dapr.io/env`).
 */
export function sidecarGoMaxProcs(): string {
  const values = parse(readFileSync(join(root, 'charts', 'marketplace', 'values.yaml'), 'utf8'));
  return String(values.serviceDefaults.sidecar.goMaxProcs);
}

/** Where Sentry keeps the stack's CA (made once by Sentry itself, kept across restarts). */
export const sentryDir = () => join(runDir, 'dapr', 'sentry');
export const trustAnchorsFile = () => join(sentryDir(), 'ca.crt');

/**
 * Dapr's Sentry: the certificate authority that gives each sidecar its SPIFFE identity for mTLS.
 * In self-hosted mode it writes a self-signed root and issuer into an empty credentials folder.
 */
export function sentrySpec(sentry: string): ProcessSpec {
  const p = sentryPortsOf();
  mkdirSync(sentryDir(), { recursive: true });
  return {
    name: 'sentry',
    command: sentry,
    args: [
      '--issuer-credentials',
      sentryDir(),
      '--config',
      join(root, 'components', 'sentry.yaml'),
      '--trust-domain',
      'localhost',
      '--listen-address',
      '127.0.0.1',
      '--port',
      String(p.port),
      '--healthz-listen-address',
      '127.0.0.1',
      '--healthz-port',
      String(p.healthz),
      '--metrics-listen-address',
      '127.0.0.1',
      '--metrics-port',
      String(p.metrics),
      '--log-level',
      process.env.DAPR_LOG_LEVEL ?? 'warn',
    ],
    // The control plane's namespace, as the sidecars expect it (daprd --control-plane-namespace).
    env: { NAMESPACE: 'default' },
    log: join(runDir, 'logs', 'sentry.log'),
  };
}

/**
 * The trace viewer: Zipkin's server (scripts/lib/tools.sh fetches the pinned jar), spans in memory
 * (the newest 100 000), on 127.0.0.1 only; its UI at /zipkin/, its API at /api/v2/.
 */
export function traceViewerSpec(jar: string): ProcessSpec {
  const port = String(traceViewerPortOf());
  return {
    name: 'trace-viewer',
    command: 'java',
    args: [
      '-Xms64m',
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-jar',
      jar,
      '--armeria.ports[0].ip=127.0.0.1',
      `--armeria.ports[0].port=${port}`,
      '--armeria.ports[0].protocols=http',
    ],
    env: {
      STORAGE_TYPE: 'mem',
      MEM_MAX_SPANS: '100000',
      // Only the HTTP collector the sidecars use; none of the brokers Zipkin could also read.
      COLLECTOR_ACTIVEMQ_ENABLED: 'false',
      COLLECTOR_KAFKA_ENABLED: 'false',
      COLLECTOR_RABBITMQ_ENABLED: 'false',
      COLLECTOR_PULSAR_ENABLED: 'false',
      COLLECTOR_GRPC_ENABLED: 'false',
      DISCOVERY_EUREKA_ENABLED: 'false',
    },
    log: join(runDir, 'logs', 'trace-viewer.log'),
  };
}

/** A sidecar's spec with the trust anchors Sentry wrote (read once Sentry is up). */
export function withTrustAnchors(spec: ProcessSpec): ProcessSpec {
  return { ...spec, env: { ...spec.env, DAPR_TRUST_ANCHORS: readFileSync(trustAnchorsFile(), 'utf8') } };
}

export interface PlanOptions {
  /** The Dapr component profile (scripts/stack/profiles.ts): redis, rabbitmq or aws. */
  profile: string;
  databaseBaseUrl: string;
  redisHost: string;
  /** The AMQP URL of this stack's RabbitMQ (rabbitmq profile). */
  rabbitmqUrl?: string;
  /** The AWS emulator's endpoint (aws profile; S3 in every profile). */
  awsEndpoint?: string;
  daprd: string;
}

/** Whether `name` is in the comma-separated list of the environment variable `variable` (or it says `all`). */
function named(variable: string, name: string): boolean {
  const wanted = (process.env[variable] ?? '').split(',');
  return wanted.includes(name) || wanted.includes('all');
}

/**
 * `MP_CPU_PROF=order,payment` (or `all`) starts those apps under V8's sampling profiler; each
 * writes a `.cpuprofile` into .run/prof when it stops (`scripts/down.sh`), for Chrome's DevTools.
 */
function profiling(name: string): string[] {
  if (!named('MP_CPU_PROF', name)) return [];
  return [
    '--cpu-prof',
    `--cpu-prof-dir=${join(runDir, 'prof')}`,
    `--cpu-prof-name=${name}.${Date.now()}.cpuprofile`,
  ];
}

/**
 * `MP_DAPR_PROF=order,notification` (or `all`) serves those sidecars' Go profiles (pprof) on their
 * metrics port + 2000 (stack 0: 32001–32016), e.g.
 * `go tool pprof -top 'http://127.0.0.1:32001/debug/pprof/profile?seconds=20'`.
 */
function sidecarProfiling(name: string, metricsPort: number): string[] {
  if (!named('MP_DAPR_PROF', name)) return [];
  return ['--enable-profiling', '--profile-port', String(metricsPort + 2000)];
}

/**
 * `MP_HEAP_SNAPSHOT=notification,product` (or `all`) lets those apps write a V8 heap snapshot on
 * `kill -USR2 <pid>` (the pid is in .run/pids), into .run/heap; compare two with
 * `node bench/heap-diff.ts a.heapsnapshot b.heapsnapshot`. Off by default: the signal is otherwise
 * unhandled, and a snapshot pauses the app for seconds.
 */
function heapSnapshots(name: string): string[] {
  if (!named('MP_HEAP_SNAPSHOT', name)) return [];
  mkdirSync(join(runDir, 'heap'), { recursive: true });
  return ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${join(runDir, 'heap')}`];
}

/**
 * Node's compile cache of the apps' TypeScript, one folder for every stack of the checkout: filled
 * before the apps start (`warmCompileCache`), so none of them loads Node's type stripper.
 */
export const compileCacheDir = join(root, '.run', 'node-compile-cache');

/**
 * Compiles every app's module graph (and its provider sandbox) into the compile cache without
 * running it, as the image's build does (scripts/image/compile-cache.mjs); a file already there is
 * not stripped again. A failure only costs the apps the type stripper's memory, so it is a warning.
 */
export function warmCompileCache(apps: ProcessSpec[]): string | undefined {
  const entries = apps.flatMap((a) => [
    a.args[a.args.length - 1]!,
    ...(a.env.LOCAL_MODULE ? [a.env.LOCAL_MODULE] : []),
  ]);
  const run = spawnSync(
    process.execPath,
    [join(root, 'scripts', 'image', 'compile-cache.mjs'), compileCacheDir, ...entries],
    { encoding: 'utf8', env: { ...process.env, NODE_COMPILE_CACHE: undefined } },
  );
  return run.status === 0 ? undefined : (run.stderr || run.error?.message || `exit ${run.status}`).trim();
}

export function plan(opts: PlanOptions) {
  if (!profiles[opts.profile])
    throw new Error(`unknown profile ${opts.profile}; known: ${profileNames.join(', ')}`);
  // One folder with the profile's resources merged (later folders replace earlier ones by name).
  const resources = writeProfile(root, opts.profile, join(runDir, 'dapr', 'resources'));
  const secrets = localSecrets();
  const apps: ProcessSpec[] = [];
  const sidecars: ProcessSpec[] = [];
  const goMaxProcs = sidecarGoMaxProcs();
  for (const name of serviceNames) {
    const p = portsOf(name);
    // A provider's sandbox lives beside src/ and only in the checkout: a local run names it.
    const sandbox = join(root, 'services', name, 'sandbox', 'index.ts');
    apps.push({
      name,
      service: name,
      command: process.execPath,
      args: [
        ...profiling(name),
        ...heapSnapshots(name),
        '--enable-source-maps',
        join(root, 'services', name, 'src', 'main.ts'),
      ],
      env: {
        PORT: String(p.app),
        METRICS_PORT: String(p.appMetrics),
        DATABASE_URL: `${opts.databaseBaseUrl}/${databaseOf(name)}`,
        DAPR_HTTP_PORT: String(p.daprHttp),
        DAPR_API_TOKEN: secrets.daprApiTokens[name],
        APP_API_TOKEN: secrets.appApiTokens[name],
        ENVIRONMENT: 'local',
        LOCAL_DEV: 'true',
        // Each TypeScript file's stripped source, kept for the next start (the image has its own,
        // written when it is built: scripts/image/prepare.sh); one folder for every stack of the checkout.
        NODE_COMPILE_CACHE: compileCacheDir,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
        ADMIN_EMAIL: localAdmin.email,
        ADMIN_PASSWORD: localAdmin.password,
        PUBLIC_BASE_URL: `http://localhost:${gatewayPort}`,
        CORS_ALLOWED_ORIGINS: localCorsOrigins(),
        TRACING_SAMPLING_RATE: localTracing().samplingRate,
        ...(existsSync(sandbox) ? { LOCAL_MODULE: sandbox } : {}),
        ...localEnv(secrets)[name],
      },
      log: join(runDir, 'logs', `${name}.log`),
    });
    sidecars.push({
      name: `${name}-dapr`,
      service: name,
      command: opts.daprd,
      args: [
        '--app-id',
        name,
        '--app-port',
        String(p.app),
        '--app-protocol',
        'http',
        '--dapr-http-port',
        String(p.daprHttp),
        '--dapr-grpc-port',
        String(p.daprGrpc),
        '--dapr-internal-grpc-port',
        String(p.daprInternalGrpc),
        '--dapr-listen-addresses',
        '127.0.0.1',
        '--metrics-port',
        String(p.metrics),
        '--metrics-listen-address',
        '127.0.0.1',
        '--config',
        daprConfig(name),
        // mTLS between sidecars, identities from this stack's Sentry (the access control needs them).
        '--enable-mtls',
        '--sentry-address',
        `127.0.0.1:${sentryPortsOf().port}`,
        '--resources-path',
        resources,
        '--log-level',
        process.env.DAPR_LOG_LEVEL ?? 'warn',
        '--dapr-graceful-shutdown-seconds',
        '10',
        ...sidecarProfiling(name, p.metrics),
      ],
      env: {
        APP_API_TOKEN: secrets.appApiTokens[name],
        DAPR_API_TOKEN: secrets.daprApiTokens[name],
        GOMAXPROCS: goMaxProcs,
        // The namespace of the sidecar's SPIFFE id, which the callee's policies name.
        NAMESPACE: namespace,
        MP_REDIS_HOST: opts.redisHost,
        MP_RABBITMQ_URL: opts.rabbitmqUrl ?? '',
        MP_AWS_ENDPOINT: opts.awsEndpoint ?? '',
        // The email binding's SMTP server (components/local/binding-email.yaml).
        MP_SMTP_PORT: process.env.MP_SMTP_PORT ?? String(2525 + stackNumber()),
      },
      log: join(runDir, 'logs', `${name}.dapr.log`),
    });
  }
  return { apps, sidecars, secrets };
}
