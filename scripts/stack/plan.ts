/**
 * What the local runner starts: for each of the 16 services a Node process and its daprd sidecar,
 * with ports, environment and arguments derived from the services table.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ServiceName, serviceNames, services } from '@mp/contracts';

export const root = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
export const runDir = process.env.MP_RUN ?? join(root, '.run');
export const gatewayPort = Number(process.env.MP_GATEWAY_PORT ?? 8080);

/** Dapr component profiles: which resource folders the sidecars load. */
export const profiles: Record<string, string[]> = {
  redis: ['components/common', 'components/redis'],
};

export interface Ports {
  app: number;
  daprHttp: number;
  daprGrpc: number;
  daprInternalGrpc: number;
  metrics: number;
}

/** Sidecar ports follow the app port: 3004 → HTTP 3504, gRPC 50004, internal 50104, metrics 9104. */
export function portsOf(name: ServiceName): Ports {
  const app = services[name].port;
  const n = app - 3000;
  return { app, daprHttp: 3500 + n, daprGrpc: 50000 + n, daprInternalGrpc: 50100 + n, metrics: 9100 + n };
}

interface Secrets {
  appApiToken: string;
  daprApiToken: string;
}

/** Local secrets, made once per checkout and kept in .run/ (never committed). */
export function localSecrets(): Secrets {
  const file = join(runDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Secrets;
  mkdirSync(runDir, { recursive: true });
  const secrets = { appApiToken: randomBytes(24).toString('hex'), daprApiToken: randomBytes(24).toString('hex') };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export const localAdmin = {
  email: process.env.ADMIN_EMAIL ?? 'admin@marketplace.local',
  password: process.env.ADMIN_PASSWORD ?? 'admin-password-change-me',
};

export interface ProcessSpec {
  name: string;
  service?: ServiceName;
  command: string;
  args: string[];
  env: Record<string, string>;
  log: string;
}

export function plan(opts: { profile: string; databaseBaseUrl: string; redisHost: string; daprd: string }) {
  const resources = profiles[opts.profile];
  if (!resources) throw new Error(`unknown profile ${opts.profile}; known: ${Object.keys(profiles).join(', ')}`);
  const secrets = localSecrets();
  const apps: ProcessSpec[] = [];
  const sidecars: ProcessSpec[] = [];
  for (const name of serviceNames) {
    const p = portsOf(name);
    apps.push({
      name,
      service: name,
      command: process.execPath,
      args: ['--enable-source-maps', join(root, 'services', name, 'src', 'main.ts')],
      env: {
        PORT: String(p.app),
        DATABASE_URL: `${opts.databaseBaseUrl}/${services[name].database}`,
        DAPR_HTTP_PORT: String(p.daprHttp),
        DAPR_API_TOKEN: secrets.daprApiToken,
        APP_API_TOKEN: secrets.appApiToken,
        ENVIRONMENT: 'local',
        LOCAL_DEV: 'true',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
        ADMIN_EMAIL: localAdmin.email,
        ADMIN_PASSWORD: localAdmin.password,
        PUBLIC_BASE_URL: `http://localhost:${gatewayPort}`,
      },
      log: join(runDir, 'logs', `${name}.log`),
    });
    sidecars.push({
      name: `${name}-dapr`,
      service: name,
      command: opts.daprd,
      args: [
        '--app-id', name,
        '--app-port', String(p.app),
        '--app-protocol', 'http',
        '--dapr-http-port', String(p.daprHttp),
        '--dapr-grpc-port', String(p.daprGrpc),
        '--dapr-internal-grpc-port', String(p.daprInternalGrpc),
        '--dapr-listen-addresses', '127.0.0.1',
        '--metrics-port', String(p.metrics),
        '--metrics-listen-address', '127.0.0.1',
        '--config', join(root, 'components', 'config.yaml'),
        ...resources.flatMap((r) => ['--resources-path', join(root, r)]),
        '--log-level', process.env.DAPR_LOG_LEVEL ?? 'warn',
        '--dapr-graceful-shutdown-seconds', '10',
      ],
      env: {
        APP_API_TOKEN: secrets.appApiToken,
        DAPR_API_TOKEN: secrets.daprApiToken,
        MP_REDIS_HOST: opts.redisHost,
      },
      log: join(runDir, 'logs', `${name}.dapr.log`),
    });
  }
  return { apps, sidecars, secrets };
}
