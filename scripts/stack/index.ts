/**
 * The local runner: Dapr's Sentry (mTLS), all 16 services, each with its own daprd sidecar, the
 * nginx gateway and the trace viewer (Zipkin, which the sidecars send their spans to).
 *
 *   node scripts/stack/index.ts up [--detach] [--profile redis]   start (or find running) and wait until ready
 *   node scripts/stack/index.ts down                             stop everything it started
 *   node scripts/stack/index.ts status                           what is running and ready
 *   node scripts/stack/index.ts restart <service>                restart one service (and its sidecar)
 *   node scripts/stack/index.ts supervise                        (what `up --detach` runs in the background)
 *
 * A supervisor keeps every process running, as Kubernetes would: one that dies is started again with
 * a back-off and a line in .run/logs/supervisor.log (scripts/stack/supervisor.ts).
 *
 * scripts/up.sh installs what is missing and starts PostgreSQL and Redis before calling `up`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ServiceName, serviceNames } from '@mp/contracts';
import { nginxConf } from './gateway.ts';
import { unregistered } from './name-resolution.ts';
import {
  gatewayPort,
  localAdmin,
  plan,
  portsOf,
  sentrySpec,
  traceViewerSpec,
  trustAnchorsFile,
  warmCompileCache,
  withTrustAnchors,
} from './plan.ts';
import { root, runDir, sentryPortsOf, traceViewerPortOf } from './ports.ts';
import { isAlive, readPid, recordedNames, startProcess, stopProcesses, waitHttp } from './procs.ts';
import { type Supervisor, supervise } from './supervisor.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    detach: { type: 'boolean', default: false },
    profile: { type: 'string', default: process.env.MP_PROFILE ?? 'redis' },
    timeout: { type: 'string', default: '240' },
  },
});
const [command = 'up', ...rest] = positionals;
const say = (msg: string) => console.log(`\x1b[1;34m[mp]\x1b[0m ${msg}`);
let stopping = false;
/** The foreground `up`'s own supervisor (with --detach it is a process of its own). */
let foreground: Supervisor | undefined;

/**
 * What `up` was started with (set by scripts/up.sh: the daprd binary, the databases, Redis, the
 * secrets file, the sandboxes' ports), kept in the run folder so that `restart` run by hand, in
 * a plain shell, starts a service exactly as `up` did.
 */
const runnerFile = join(runDir, 'runner.json');
const runnerVariable =
  /^(MP_|DAPRD$|SENTRY$|ZIPKIN_JAR$|DAPR_LOG_LEVEL$|ADMIN_|PG_SANDBOX_|CARRIER_SANDBOX_|ORDER_|LOG_LEVEL$)/;

function saveRunnerEnv(profile: string): void {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => runnerVariable.test(k)));
  writeFileSync(runnerFile, JSON.stringify({ profile, env }, null, 2), { mode: 0o600 });
}

function loadRunnerEnv(): string | undefined {
  if (!existsSync(runnerFile)) return undefined;
  const saved = JSON.parse(readFileSync(runnerFile, 'utf8')) as {
    profile: string;
    env: Record<string, string>;
  };
  for (const [k, v] of Object.entries(saved.env)) process.env[k] ??= v;
  return saved.profile;
}

function stackPlan(profile = values.profile!) {
  const daprd = process.env.DAPRD;
  if (!daprd) throw new Error('DAPRD is not set and no stack is running here; start one with scripts/up.sh');
  return plan({
    profile,
    databaseBaseUrl: process.env.MP_DATABASE_BASE_URL ?? 'postgres://marketplace:marketplace@127.0.0.1:5432',
    redisHost: process.env.MP_REDIS_HOST ?? '127.0.0.1:6379',
    rabbitmqUrl: process.env.MP_RABBITMQ_URL,
    awsEndpoint: process.env.MP_AWS_ENDPOINT,
    daprd,
  });
}

/** Starts the stack's Sentry unless it runs, and waits until it serves and its CA is on disk. */
async function startSentry(keep: boolean): Promise<void> {
  const sentry = process.env.SENTRY;
  if (!sentry) throw new Error('SENTRY is not set; run through scripts/up.sh');
  if (!readPid(runDir, 'sentry')) {
    const child = startProcess(runDir, sentrySpec(sentry), root, keep);
    if (keep)
      child.on(
        'exit',
        (code, signal) => !stopping && say(`sentry exited (${signal ?? code}); see logs/sentry.log`),
      );
  }
  const ok = await waitHttp(`http://127.0.0.1:${sentryPortsOf().healthz}/healthz`, 30_000, () => {
    const pid = readPid(runDir, 'sentry');
    return pid !== undefined && isAlive(pid);
  });
  if (!ok || !existsSync(trustAnchorsFile()))
    throw new Error(`Sentry did not start:\n${tail(join(runDir, 'logs', 'sentry.log'), 15)}`);
}

/** The trace viewer's process (Zipkin, from the jar scripts/lib/tools.sh fetched). */
function traceViewer() {
  const jar = process.env.ZIPKIN_JAR;
  if (!jar) throw new Error('ZIPKIN_JAR is not set; run through scripts/up.sh');
  return traceViewerSpec(jar);
}
const traceViewerUrl = () => `http://localhost:${traceViewerPortOf()}/zipkin/`;
const traceViewerReady = (timeoutMs: number) =>
  waitHttp(`http://127.0.0.1:${traceViewerPortOf()}/health`, timeoutMs);

function startGateway(): void {
  if (readPid(runDir, 'gateway')) return;
  for (const d of ['nginx', 'logs']) mkdirSync(join(runDir, d), { recursive: true });
  const conf = join(runDir, 'nginx', 'nginx.conf');
  writeFileSync(
    conf,
    nginxConf({
      port: gatewayPort,
      runDir,
      sandboxes: true,
      root: process.getuid?.() === 0,
      ipv6: existsSync('/proc/net/if_inet6'),
    }),
  );
  const nginx = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find(existsSync) ?? 'nginx';
  const test = spawnSync(nginx, ['-t', '-q', '-c', conf, '-p', join(runDir, 'nginx')], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx refused the generated config:\n${test.stderr}`);
  startProcess(
    runDir,
    {
      name: 'gateway',
      command: nginx,
      args: ['-c', conf, '-p', join(runDir, 'nginx')],
      env: {},
      log: join(runDir, 'logs', 'gateway.log'),
    },
    root,
  );
}

async function up(): Promise<void> {
  const { apps, sidecars } = stackPlan();
  const timeoutMs = Number(values.timeout) * 1000;
  mkdirSync(join(runDir, 'dapr'), { recursive: true });
  // Sentry first: every sidecar asks it for its certificate at start.
  await startSentry(!values.detach);
  // The trace viewer first, so it is there for the sidecars' first spans; supervised like the rest.
  const specs = [traceViewer(), ...apps, ...sidecars.map(withTrustAnchors)];
  const started = specs.filter((spec) => !readPid(runDir, spec.name)).map((spec) => spec.name);
  if (started.length) {
    writeFileSync(join(runDir, 'profile'), values.profile!);
    saveRunnerEnv(values.profile!);
  }
  const appsToStart = apps.filter((a) => started.includes(a.name));
  if (appsToStart.length) {
    const failed = warmCompileCache(appsToStart);
    if (failed)
      say(`warning: the apps' compile cache was not filled (each app strips its own TypeScript): ${failed}`);
  }
  if (values.detach) {
    // Started here, then watched by a supervisor that outlives this command and restarts what dies.
    for (const spec of specs) if (started.includes(spec.name)) startProcess(runDir, spec, root);
    if (!readPid(runDir, 'supervisor'))
      startProcess(
        runDir,
        {
          name: 'supervisor',
          command: process.execPath,
          args: [join(root, 'scripts', 'stack', 'index.ts'), 'supervise', '--profile', values.profile!],
          env: {},
          log: join(runDir, 'logs', 'supervisor.log'),
        },
        root,
      );
  } else {
    foreground = supervise(runDir, specs, root, { log: say });
  }
  startGateway();
  say(
    started.length
      ? `started ${started.length} processes; waiting until every service is ready`
      : 'already running',
  );

  const waiting = new Set<string>(serviceNames);
  const began = Date.now();
  // Progress while the sidecars and apps come up (a cold start takes a minute or two).
  const progress = setInterval(() => {
    say(
      `${serviceNames.length - waiting.size}/${serviceNames.length} ready after ${Math.round((Date.now() - began) / 1000)} s; waiting for ${[...waiting].join(', ')}`,
    );
  }, 10_000);
  const results = await Promise.all(
    serviceNames.map(async (name) => {
      const ok = await waitHttp(`http://127.0.0.1:${portsOf(name).app}/readyz`, timeoutMs, () => {
        const pid = readPid(runDir, name);
        return pid !== undefined && isAlive(pid);
      });
      waiting.delete(name);
      return { name, ok };
    }),
  ).finally(() => clearInterval(progress));
  const gatewayOk = await waitHttp(`http://127.0.0.1:${gatewayPort}/.well-known/jwks.json`, 30_000).catch(
    () => false,
  );
  printTable(results);
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  if (!failed.length) {
    // Ready is not enough: a sidecar that the others cannot resolve fails every call to its app.
    let unfound = unregistered(join(runDir, 'dapr', 'nameresolution.db'), serviceNames);
    for (let i = 0; unfound.length && i < 10; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      unfound = unregistered(join(runDir, 'dapr', 'nameresolution.db'), serviceNames);
    }
    for (const name of unfound) {
      console.error(
        `\n--- ${name}: its sidecar is not in the name resolution file; last lines of .run/logs/${name}.dapr.log ---`,
      );
      console.error(tail(join(runDir, 'logs', `${name}.dapr.log`), 10));
    }
    if (unfound.length) throw new Error(`not found by the other sidecars: ${unfound.join(', ')}`);
  }
  if (failed.length) {
    for (const name of failed) {
      console.error(`\n--- ${name}: last lines of .run/logs/${name}.log and ${name}.dapr.log ---`);
      console.error(tail(join(runDir, 'logs', `${name}.log`), 15));
      console.error(tail(join(runDir, 'logs', `${name}.dapr.log`), 10));
    }
    throw new Error(`not ready: ${failed.join(', ')}`);
  }
  if (!gatewayOk) say('warning: the gateway did not answer; see .run/logs/gateway.error.log');
  if (!(await traceViewerReady(90_000)))
    say('warning: the trace viewer did not answer; see .run/logs/trace-viewer.log');
  say(`gateway   http://localhost:${gatewayPort}   (admin ${localAdmin.email} / ${localAdmin.password})`);
  say(`traces    ${traceViewerUrl()}   (Zipkin: every request's trace through the services)`);
  if (process.env.MP_MAIL_DIR)
    say(`mail      ${join(process.env.MP_MAIL_DIR, 'new')}   (the SMTP sink, one file per message)`);
  say(`logs      ${join(runDir, 'logs')}   stop with Ctrl-C${values.detach ? ' or scripts/down.sh' : ''}`);
}

/** The background supervisor of `up --detach`: runs until `down` sends it SIGTERM. */
async function superviseInBackground() {
  const { apps, sidecars } = stackPlan();
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  const sentry = process.env.SENTRY;
  if (!sentry) throw new Error('SENTRY is not set; run through scripts/up.sh');
  const specs = [sentrySpec(sentry), traceViewer(), ...apps, ...sidecars.map(withTrustAnchors)];
  const supervisor = supervise(runDir, specs, root, { log });
  log(`supervising ${specs.length} processes`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await supervisor.stop();
  log('stopped supervising');
}

function tail(file: string, lines: number): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

function printTable(results: { name: ServiceName; ok: boolean }[]) {
  const rows = results.map(({ name, ok }) => {
    const p = portsOf(name);
    return `  ${name.padEnd(13)} ${ok ? 'ready    ' : 'NOT READY'}  app :${p.app}  dapr http :${p.daprHttp}  grpc :${p.daprGrpc}  dapr metrics :${p.metrics}  app metrics :${p.appMetrics}`;
  });
  console.log(['', '  service       state      ports', ...rows, ''].join('\n'));
}

async function down() {
  stopping = true;
  // The supervisor first, or it would start again what is being stopped.
  await foreground?.stop();
  const names = recordedNames(runDir);
  // A stack started from another checkout or with another MP_STACK records its processes elsewhere:
  // say where this one looked rather than "stopped" over a stack that keeps running.
  if (!names.length && !foreground) {
    say(`no stack recorded in ${runDir} (started from another checkout, or with another MP_STACK?)`);
    return;
  }
  await stopProcesses(runDir, ['supervisor'], 5_000);
  const apps = names.filter((n) => (serviceNames as string[]).includes(n));
  // Apps first, so they drain their outbox through a sidecar that is still there.
  if (apps.length) say(`stopping ${apps.length} services`);
  await stopProcesses(runDir, apps, 15_000);
  await stopProcesses(
    runDir,
    names.filter((n) => n.endsWith('-dapr')),
    12_000,
  );
  await stopProcesses(runDir, ['gateway', 'sentry', 'trace-viewer'], 5_000);
  // Anything started meanwhile (a supervisor's restart racing the stop) has recorded itself again.
  const left = recordedNames(runDir).filter((n) => readPid(runDir, n) !== undefined);
  if (left.length) await stopProcesses(runDir, left, 5_000);
  say(`stopped${left.length ? ` (and ${left.join(', ')}, started again while stopping)` : ''}`);
}

async function status() {
  const results = await Promise.all(
    serviceNames.map(async (name) => ({
      name,
      ok: await waitHttp(`http://127.0.0.1:${portsOf(name).app}/readyz`, 1000),
    })),
  );
  const sentryOk = await waitHttp(`http://127.0.0.1:${sentryPortsOf().healthz}/healthz`, 1000);
  const viewerOk = await traceViewerReady(1000);
  const profileFile = join(runDir, 'profile');
  if (existsSync(profileFile)) say(`profile ${readFileSync(profileFile, 'utf8')}`);
  say(
    `sentry    ${sentryOk ? 'ready' : 'NOT READY'}   :${sentryPortsOf().port}   (mTLS certificate authority)`,
  );
  say(`traces    ${viewerOk ? 'ready' : 'NOT READY'}   ${traceViewerUrl()}   (Zipkin)`);
  printTable(results);
  process.exitCode = sentryOk && results.every((r) => r.ok) ? 0 : 1;
}

async function restart(name: string) {
  if (!(serviceNames as string[]).includes(name)) throw new Error(`no service ${name}`);
  // As the running stack was started, whatever this shell has (scripts/up.sh set it up).
  const profile = loadRunnerEnv() ?? values.profile!;
  const { apps, sidecars } = stackPlan(profile);
  await stopProcesses(runDir, [name, `${name}-dapr`], 15_000);
  // A running supervisor starts them again itself; without one, this command does.
  if (!readPid(runDir, 'supervisor')) {
    startProcess(runDir, apps.find((a) => a.name === name)!, root);
    await startSentry(false);
    startProcess(runDir, withTrustAnchors(sidecars.find((s) => s.name === `${name}-dapr`)!), root);
  }
  const ok = await waitHttp(`http://127.0.0.1:${portsOf(name as ServiceName).app}/readyz`, 120_000);
  if (!ok) throw new Error(`${name} did not become ready`);
  say(`${name} restarted`);
}

async function main() {
  switch (command) {
    case 'up': {
      // Listening before anything starts: a Ctrl-C while the stack is starting (Node's default would
      // end this process and leave the apps and sidecars it started running) stops it once started.
      const stopAsked = values.detach
        ? undefined
        : new Promise<void>((resolve) => {
            const stop = () => {
              say('stopping (once what is starting has started)');
              resolve();
            };
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
          });
      await up();
      if (stopAsked) {
        await stopAsked;
        console.log();
        await down();
      }
      break;
    }
    case 'supervise':
      await superviseInBackground();
      break;
    case 'down':
      await down();
      break;
    case 'status':
      await status();
      break;
    case 'restart':
      await restart(rest[0] ?? '');
      break;
    default:
      throw new Error(`unknown command ${command}`);
  }
}

main().catch((err) => {
  console.error(`\x1b[1;31m[mp] ${err instanceof Error ? err.message : err}\x1b[0m`);
  if (command === 'up' && !values.detach) {
    down().finally(() => process.exit(1));
  } else process.exitCode = 1;
});
