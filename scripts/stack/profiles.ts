/**
 * Dapr component profiles of local runs: which resource folders the sidecars load. A profile is an
 * ordered list of folders under components/; a resource in a later folder replaces one of the
 * same kind and name in an earlier folder, so a broker profile only says what it changes (the
 * rabbitmq profile swaps the `pubsub` component and keeps Redis state; the aws profile swaps
 * `pubsub` and every state store). The runner writes the merged set into one folder per stack.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';
import { pubsubScopes } from '../gen/access.ts';

export const profiles: Record<string, string[]> = {
  redis: ['components/common', 'components/local', 'components/redis'],
  rabbitmq: ['components/common', 'components/local', 'components/redis', 'components/rabbitmq'],
  aws: ['components/common', 'components/local', 'components/redis', 'components/aws'],
};

export const profileNames = Object.keys(profiles);

export interface Resource {
  kind: string;
  name: string;
  /** The component type (`pubsub.redis`, `state.aws.dynamodb`, …); undefined for other kinds. */
  type?: string;
  /** Where it came from, relative to the checkout. */
  source: string;
  text: string;
}

/** The resources of one folder, one per YAML document. */
export function readResources(root: string, folder: string): Resource[] {
  const dir = join(root, folder);
  const out: Resource[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(file)) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length) throw new Error(`${folder}/${file}: ${doc.errors[0]?.message}`);
      const value = doc.toJS() as { kind?: string; metadata?: { name?: string }; spec?: { type?: string } };
      if (!value?.kind || !value.metadata?.name)
        throw new Error(`${folder}/${file}: no kind or metadata.name`);
      out.push({
        kind: value.kind,
        name: value.metadata.name,
        type: value.spec?.type,
        source: `${folder}/${file}`,
        text: doc.toString(),
      });
    }
  }
  return out;
}

/** The resources a profile resolves to, later folders replacing earlier ones by kind and name. */
export function resolveProfile(root: string, profile: string): Resource[] {
  const folders = profiles[profile];
  if (!folders) throw new Error(`unknown profile ${profile}; known: ${profileNames.join(', ')}`);
  const merged = new Map<string, Resource>();
  for (const folder of folders)
    for (const r of readResources(root, folder)) merged.set(`${r.kind}/${r.name}`, r);
  return [...merged.values()];
}

/** The `pubsub` component with the scopes of the event catalog added (the chart renders the same). */
export function withPubsubScopes(r: Resource): string {
  if (r.kind !== 'Component' || r.name !== 'pubsub') return r.text;
  const doc = parseDocument(r.text);
  for (const m of pubsubScopes()) doc.addIn(['spec', 'metadata'], m);
  return doc.toString({ lineWidth: 0 });
}

/** Writes a profile's resources into `dir`, one file per resource (and no other file). */
export function writeProfile(root: string, profile: string, dir: string): string {
  // Running sidecars read this folder: it is updated in place (never removed), and a file is
  // only written when its content changes, so `restart <service>` leaves the others undisturbed.
  mkdirSync(dir, { recursive: true });
  const wanted = new Map(
    resolveProfile(root, profile).map((r) => [
      `${r.kind.toLowerCase()}-${r.name}.yaml`,
      `# from ${r.source} (profile ${profile})\n${withPubsubScopes(r)}`,
    ]),
  );
  for (const f of readdirSync(dir)) if (!wanted.has(f)) rmSync(join(dir, f), { force: true });
  for (const [file, text] of wanted) {
    const path = join(dir, file);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
  }
  return dir;
}
