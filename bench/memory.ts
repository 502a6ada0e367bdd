/**
 * Memory of a running stack, per process: RSS (what `ps` shows) and PSS (each shared page divided
 * among the processes that map it: the 16 sidecars share one daprd binary, the apps one node
 * binary). The sum of PSS is what the stack really occupies; a sum of RSS counts shared pages once
 * per process. Linux only (/proc/<pid>/smaps_rollup).
 *   MP_STACK=N node bench/memory.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackNumber } from '../scripts/stack/ports.ts';

const root = join(import.meta.dirname, '..');
const runDir = process.env.MP_RUN ?? join(root, stackNumber() ? `.run/stack-${stackNumber()}` : '.run');

function rollup(pid: number) {
  const kb = (field: string, text: string) =>
    Number(text.match(new RegExp(`^${field}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return { rss: kb('Rss', text) / 1024, pss: kb('Pss', text) / 1024, anon: kb('Pss_Anon', text) / 1024 };
}

const rows: { name: string; group: string; rss: number; pss: number; anon: number }[] = [];
for (const file of readdirSync(join(runDir, 'pids')).filter((f) => f.endsWith('.pid'))) {
  const name = file.replace(/\.pid$/, '');
  const pid = Number(readFileSync(join(runDir, 'pids', file), 'utf8').trim());
  try {
    const group = name.endsWith('-dapr')
      ? 'sidecars'
      : ['gateway', 'trace-viewer', 'sentry', 'supervisor'].includes(name)
        ? 'tools'
        : 'apps';
    rows.push({ name, group, ...rollup(pid) });
  } catch {
    // not running
  }
}
const mb = (n: number) => `${n.toFixed(0).padStart(6)} MB`;
for (const r of rows.sort((a, b) => b.pss - a.pss))
  console.log(`${r.name.padEnd(20)} RSS ${mb(r.rss)}  PSS ${mb(r.pss)}`);
for (const group of ['apps', 'sidecars', 'tools']) {
  const g = rows.filter((r) => r.group === group);
  const sum = (k: 'rss' | 'pss' | 'anon') => g.reduce((s, r) => s + r[k], 0);
  console.log(
    `${group.padEnd(9)} (${g.length}) RSS ${mb(sum('rss'))}  PSS ${mb(sum('pss'))} (anonymous ${mb(sum('anon'))})`,
  );
}
