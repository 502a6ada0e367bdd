/**
 * The workspace's rules: one version of each dependency (the pnpm catalog), the same scripts in
 * every package, no build output in git.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './graph.ts';

const packageDirs = [
  ...['services', 'packages'].flatMap((d) =>
    readdirSync(join(root, d))
      .filter((n) => statSync(join(root, d, n)).isDirectory())
      .map((n) => `${d}/${n}`),
  ),
  'tests',
  'bench',
];
const manifests = packageDirs.map((dir) => ({
  dir,
  pkg: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  },
}));

describe('the workspace', () => {
  it('takes every dependency from the catalog (or the workspace)', () => {
    const pinned = manifests.flatMap(({ dir, pkg }) =>
      Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })
        .filter(([, version]) => !version.startsWith('catalog:') && !version.startsWith('workspace:'))
        .map(([name, version]) => `${dir}: ${name}@${version}`),
    );
    expect(pinned).toEqual([]);
  });

  it('gives every package the same typecheck, test and lint scripts', () => {
    const missing = manifests.flatMap(({ dir, pkg }) =>
      ['typecheck', 'test', 'lint'].filter((s) => !pkg.scripts?.[s]).map((s) => `${dir}: ${s}`),
    );
    expect(missing).toEqual([]);
    const kinds = new Set(manifests.map(({ pkg }) => `${pkg.scripts?.typecheck} | ${pkg.scripts?.lint}`));
    expect([...kinds]).toEqual(['tsc -p . | biome check .']);
  });

  it('keeps build output out of git', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n');
    expect(tracked.filter((f) => /\.tsbuildinfo$|(^|\/)dist\//.test(f))).toEqual([]);
  });
});
