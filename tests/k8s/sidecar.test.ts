/**
 * The chart's sidecars run the project's daprd flavor, the binary local runs start: every pod names
 * the image Dockerfile.daprd builds (dapr.io/sidecar-image), that image is built from the same
 * component list and the same Dapr version as local runs, and every Component the chart renders, on
 * every profile with every optional component on, has a type the flavor carries (a secret store
 * named by `auth.secretStore` included).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { daprdComponentsFile } from '../../scripts/gen/daprd.ts';
import { sidecarGoMaxProcs } from '../../scripts/stack/plan.ts';
import { ofKind, render, type ValueSet, valueSets } from './render.ts';

const root = join(import.meta.dirname, '..', '..');
const flavor = readFileSync(join(root, daprdComponentsFile), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'));
const sets = Object.keys(valueSets) as ValueSet[];

describe.each(sets)('the sidecars of the chart with %s values', (set) => {
  it("are the project's daprd image, from the services' registry and tag", () => {
    const deployments = ofKind(render(set), 'Deployment');
    expect(deployments.length).toBeGreaterThan(0);
    for (const d of deployments) {
      const app = d.spec.template.spec.containers[0].image as string;
      const sidecar = d.spec.template.metadata.annotations['dapr.io/sidecar-image'];
      // <registry>/<prefix><service>:<tag> → <registry>/<prefix>daprd:<tag>
      const service = d.metadata.name.replace(/^marketplace-/, '');
      expect(sidecar, d.metadata.name).toBe(app.replace(new RegExp(`${service}:`), 'daprd:'));
    }
  });

  it("run as many threads of Go code as the local runner's sidecars (goMaxProcs)", () => {
    for (const d of ofKind(render(set), 'Deployment'))
      expect(d.spec.template.metadata.annotations['dapr.io/env'], d.metadata.name).toBe(
        `GOMAXPROCS=${sidecarGoMaxProcs()}`,
      );
  });

  it.each([
    ['redis', 'ses'],
    ['rabbitmq', 'smtp'],
    ['aws', 'ses'],
    ['aws', 'smtp'],
  ])(
    'load only component types the flavor has (profile %s, e-mail %s, Secrets Manager on)',
    (profile, email) => {
      const ms = render(set, [
        '--set',
        `dapr.profile=${profile}`,
        '--set',
        `dapr.email.type=${email}`,
        '--set',
        'dapr.awsSecretsManager.enabled=true',
        '--set',
        'dapr.email.enabled=true',
      ]);
      const components = ofKind(ms, 'Component');
      expect(components.length).toBeGreaterThan(0);
      for (const c of components) {
        expect(flavor, c.metadata.name).toContain(c.spec.type);
        const store = (c as { auth?: { secretStore?: string } }).auth?.secretStore;
        if (store) expect(flavor, `${c.metadata.name} auth`).toContain(`secretstores.${store}`);
      }
    },
  );
});

describe('Dockerfile.daprd', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile.daprd'), 'utf8');

  it('builds from the component list and the overlay local runs build with', () => {
    expect(dockerfile).toContain(`COPY scripts/image/daprd-overlay.sh ${daprdComponentsFile} /flavor/`);
    expect(dockerfile).toMatch(/go build [^\n]*-overlay \/flavor\/overlay\.json -tags allcomponents/);
    const tools = readFileSync(join(root, 'scripts/lib/tools.sh'), 'utf8');
    expect(tools).toContain(`DAPRD_COMPONENTS="$MP_ROOT/${daprdComponentsFile}"`);
    expect(tools).toContain('scripts/image/daprd-overlay.sh');
  });

  it('pins the Dapr version of local runs', () => {
    const env = readFileSync(join(root, 'scripts/lib/env.sh'), 'utf8');
    const version = env.match(/^DAPR_VERSION=(\S+)/m)![1];
    expect(dockerfile).toContain(`ARG DAPR_VERSION=${version}\n`);
  });
});
