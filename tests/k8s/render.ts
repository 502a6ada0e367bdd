/** Renders the Helm chart offline (helm template) and parses what it rendered. */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const chart = join(import.meta.dirname, '..', '..', 'charts', 'marketplace');

/** What a cluster with the Dapr control plane installed reports (helm cannot ask one offline). */
export const daprApis = [
  'dapr.io/v1alpha1/Component',
  'dapr.io/v1alpha1/Configuration',
  'dapr.io/v1alpha1/Resiliency',
  'dapr.io/v2alpha1/Subscription',
];

export const valueSets = {
  default: [],
  local: ['values-local.yaml'],
  eks: ['values-eks.yaml'],
} as const;
export type ValueSet = keyof typeof valueSets;

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec?: any;
  scopes?: string[];
  data?: Record<string, string>;
}

export function helmArgs(set: ValueSet, extra: string[] = [], apis = daprApis): string[] {
  return [
    'template',
    'marketplace',
    chart,
    '--namespace',
    'marketplace',
    ...valueSets[set].flatMap((f) => ['-f', join(chart, f)]),
    ...apis.flatMap((a) => ['--api-versions', a]),
    ...extra,
  ];
}

export function render(set: ValueSet, extra: string[] = []): Manifest[] {
  const out = execFileSync('helm', helmArgs(set, extra), { encoding: 'utf8', maxBuffer: 64 << 20 });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => Boolean(m));
}

/** Renders expecting a refusal; answers helm's message. */
export function renderError(set: ValueSet, extra: string[] = [], apis = daprApis): string {
  const res = spawnSync('helm', helmArgs(set, extra, apis), { encoding: 'utf8' });
  if (res.status === 0) throw new Error('helm template succeeded where it should have refused');
  return res.stderr;
}

export const ofKind = (ms: Manifest[], kind: string) => ms.filter((m) => m.kind === kind);
