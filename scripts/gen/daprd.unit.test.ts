/**
 * The project's daprd flavor carries every component type a sidecar may load: each Component of
 * every local profile and the name resolver of local runs are in the committed list
 * (components/generated/daprd-components.txt), which the local build and Dockerfile.daprd read. A
 * component YAML with a type the list lacks fails here until the list is generated again (and the
 * flavor, named by the list's hash, is rebuilt). The chart's side is in tests/k8s/sidecar.test.ts.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { profileNames, resolveProfile } from '../stack/profiles.ts';
import { daprdComponents, daprdComponentsFile } from './daprd.ts';

const root = join(import.meta.dirname, '..', '..');
const listed = () =>
  readFileSync(join(root, daprdComponentsFile), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));

describe("the daprd flavor's component list", () => {
  it.each(profileNames)('has every component type of the %s profile', (profile) => {
    const types = resolveProfile(root, profile).flatMap((r) =>
      r.kind === 'Component' && r.type ? [r.type] : [],
    );
    expect(types.length).toBeGreaterThan(0);
    for (const type of types) expect(listed(), `${profile}: ${type}`).toContain(type);
  });

  it("has local runs' name resolver and what Dapr loads itself in Kubernetes mode", () => {
    const config = parse(readFileSync(join(root, 'components/config.yaml'), 'utf8'));
    expect(listed()).toContain(`nameresolution.${config.spec.nameResolution.component}`);
    expect(listed()).toEqual(
      expect.arrayContaining(['nameresolution.kubernetes', 'secretstores.kubernetes']),
    );
  });

  it('is what the generator derives, with nothing else', () => {
    expect(listed()).toEqual(daprdComponents());
  });
});

describe('the flavor build overlay (scripts/image/daprd-overlay.sh)', () => {
  // A stand-in for Dapr's cmd/daprd/components: one file per component, as the pinned source has.
  function fakeDapr(files: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'daprd-overlay-'));
    const components = join(dir, 'cmd', 'daprd', 'components');
    mkdirSync(components, { recursive: true });
    for (const [name, register] of Object.entries(files))
      writeFileSync(join(components, name), `package components\n\nfunc init() {\n\t${register}\n}\n`);
    return { dir, components };
  }
  const overlay = (src: string, types: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'daprd-list-'));
    try {
      const list = join(dir, 'list.txt');
      writeFileSync(list, `# a comment\n${types.join('\n')}\n`);
      return execFileSync('sh', [join(root, 'scripts/image/daprd-overlay.sh'), src, list], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const files = {
    'bindings_aws_ses.go': 'bindingsLoader.DefaultRegistry.RegisterOutputBinding(ses.NewAWSSES, "aws.ses")',
    'pubsub_aws_snssqs.go':
      'pubsubLoader.DefaultRegistry.RegisterComponent(snssqs.NewSnsSqs, "aws.snssqs", "snssqs")',
    'state_redis.go': 'stateLoader.DefaultRegistry.RegisterComponent(redis.NewRedisStateStore, "redis")',
    'state_mongodb.go': 'stateLoader.DefaultRegistry.RegisterComponent(mongodb.NewMongoDB, "mongodb")',
    'zz_notag.go': 'panic("no tag")',
  };

  it('deletes every component file that registers no listed type', () => {
    const { dir, components } = fakeDapr(files);
    try {
      const deleted = Object.keys(JSON.parse(overlay(dir, ['bindings.aws.ses', 'pubsub.snssqs'])).Replace);
      expect(deleted.map((f) => f.slice(components.length + 1)).sort()).toEqual([
        'state_mongodb.go',
        'state_redis.go',
      ]);
      expect(readdirSync(components)).toHaveLength(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails on a listed type no file registers', () => {
    const { dir } = fakeDapr(files);
    try {
      expect(() => overlay(dir, ['state.redis', 'state.etcd'])).toThrow(/state\.etcd/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The pinned Dapr source, where set-up downloaded it (scripts/lib/tools.sh go_module_src).
  const daprVersion = readFileSync(join(root, 'scripts/lib/env.sh'), 'utf8').match(
    /^DAPR_VERSION=(\S+)/m,
  )![1];
  const cache = process.env.MP_CACHE ?? join(process.env.HOME ?? '', '.cache/marketplace');
  const pinned = join(cache, 'src', `github.com_dapr_dapr@v${daprVersion}`);
  it.skipIf(!existsSync(pinned))(
    'keeps exactly one file per listed type of the pinned Dapr source',
    () => {
      const deleted = new Set(Object.keys(JSON.parse(overlay(pinned, listed())).Replace));
      const kept = readdirSync(join(pinned, 'cmd/daprd/components')).filter(
        (f) =>
          f.endsWith('.go') && f !== 'zz_notag.go' && !deleted.has(join(pinned, 'cmd/daprd/components', f)),
      );
      expect(kept).toHaveLength(listed().length);
    },
    30_000,
  ); // reads the pinned source's component files: seconds on a loaded machine
});
