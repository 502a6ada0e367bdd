/**
 * What grew between two V8 heap snapshots: the objects' count and self size by constructor (the
 * "Summary" view of Chrome's DevTools, without the retainers), the largest growths first. Take the
 * snapshots with the stack's MP_HEAP_SNAPSHOT switch (scripts/stack/plan.ts) and `kill -USR2`.
 *   node bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [rows (25)]
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Count and self size (bytes) of the live objects by "type:name" (the name is the constructor's for objects). */
export function summary(snap: Snapshot): Map<string, { count: number; size: number }> {
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const out = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const t = types[snap.nodes[i + type]!]!;
    // Strings and code are grouped by kind: their names are their contents.
    const key =
      t === 'object' || t === 'closure' || t === 'native' ? `${t}:${snap.strings[snap.nodes[i + name]!]}` : t;
    const row = out.get(key) ?? { count: 0, size: 0 };
    row.count++;
    row.size += snap.nodes[i + size]!;
    out.set(key, row);
  }
  return out;
}

if (import.meta.main) {
  const [a, b, n = '25'] = process.argv.slice(2);
  if (!a || !b)
    throw new Error('usage: node bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [rows]');
  const load = (f: string) => summary(JSON.parse(readFileSync(f, 'utf8')) as Snapshot);
  const before = load(a);
  const after = load(b);
  const total = (m: typeof before) => [...m.values()].reduce((s, r) => s + r.size, 0) / 1048576;
  const keys = new Set([...before.keys(), ...after.keys()]);
  const rows = [...keys]
    .map((k) => {
      const x = before.get(k) ?? { count: 0, size: 0 };
      const y = after.get(k) ?? { count: 0, size: 0 };
      return { k, count: y.count - x.count, size: y.size - x.size, now: y.size };
    })
    .sort((p, q) => q.size - p.size);
  console.log(`live heap ${total(before).toFixed(1)} MB → ${total(after).toFixed(1)} MB`);
  console.log('  Δ self KB   Δ count   now KB  constructor');
  for (const r of rows.slice(0, Number(n)))
    console.log(
      `${(r.size / 1024).toFixed(0).padStart(11)} ${String(r.count).padStart(9)} ${(r.now / 1024).toFixed(0).padStart(8)}  ${r.k.slice(0, 80)}`,
    );
}
