/**
 * Sums V8 CPU profiles (the `.cpuprofile` files MP_CPU_PROF writes into .run/prof) by package and
 * by function, idle time left out: where the stack's apps spend their CPU.
 *   node bench/profile.ts [.run/prof] [top=40]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type Profile = {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
};

const dir = process.argv[2] ?? '.run/prof';
const top = Number(process.argv[3] ?? 40);
const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;

function packageOf(url: string, fn: string) {
  const dep = url.match(/node_modules\/(?:\.pnpm\/)?((?:@[^/]+[+/])?[^/@]+)/);
  if (dep) return dep[1];
  if (url.startsWith('node:')) return url;
  if (url.includes('/packages/')) return `kit ${url.split('/packages/')[1]}`;
  if (url.includes('/services/')) return `service ${url.split('/services/')[1]?.split('/')[0]}`;
  return url || fn;
}

function add<K>(m: Map<K, number>, k: K, v: number) {
  m.set(k, (m.get(k) ?? 0) + v);
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const self = new Map<number, number>();
  for (const [i, id] of p.samples.entries()) add(self, id, p.timeDeltas[i] ?? 0);
  for (const n of p.nodes) {
    const ms = (self.get(n.id) ?? 0) / 1000;
    const { functionName, url, lineNumber } = n.callFrame;
    if (!ms || functionName === '(idle)') continue;
    total += ms;
    add(byPackage, packageOf(url, functionName), ms);
    add(
      byFunction,
      `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`,
      ms,
    );
  }
}

const print = (m: Map<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${v.toFixed(0).padStart(8)} ms ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`)
    .join('\n');
console.log(
  `${total.toFixed(0)} ms of samples (not idle) in ${dir}\n\nby package\n${print(byPackage)}\n\nby function\n${print(byFunction)}`,
);
