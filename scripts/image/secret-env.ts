/**
 * The secrets one service needs to start outside local profiles, as a fresh local cluster gets
 * them: the chart's own Secret (secrets.create, rendered with helm: random keys of the right
 * shape) read through the service's `secretEnv`. Prints `NAME=value` lines for
 * scripts/image/check.sh, which starts the service from its image layout with production settings.
 *   node scripts/image/secret-env.ts <service>      (helm on PATH: scripts/lib/tools.sh ensure_helm)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

const svc = process.argv[2];
if (!svc) throw new Error('usage: node scripts/image/secret-env.ts <service>');
const chart = join(import.meta.dirname, '..', '..', 'charts', 'marketplace');
const values = parseYaml(readFileSync(join(chart, 'values.yaml'), 'utf8'));
const secretEnv: Record<string, string> = values.services?.[svc]?.secretEnv ?? {};
if (Object.keys(secretEnv).length) {
  const rendered = execFileSync(
    'helm',
    [
      'template',
      'marketplace',
      chart,
      '-f',
      join(chart, 'values-local.yaml'),
      '--set',
      'dapr.requireCrds=false',
      '--show-only',
      'templates/secrets.yaml',
    ],
    { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const app = parseAllDocuments(rendered)
    .map((d) => d.toJS())
    .find((d) => d?.kind === 'Secret' && d.metadata?.name === values.secrets.app);
  if (!app) throw new Error(`the chart rendered no Secret ${values.secrets.app}`);
  for (const [name, key] of Object.entries(secretEnv)) {
    const data = app.data?.[key];
    if (typeof data !== 'string') throw new Error(`the chart's Secret has no ${key} (${svc}'s ${name})`);
    process.stdout.write(`${name}=${Buffer.from(data, 'base64').toString('utf8')}\n`);
  }
}
