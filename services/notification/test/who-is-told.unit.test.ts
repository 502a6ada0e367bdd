/** docs/notification.md's "Who is told of what" names every template and every event notification hears. */
import { readFileSync } from 'node:fs';
import { subscriptionsOf } from '@mp/contracts';
import { describe, expect, it } from 'vitest';
import { templateCatalog } from '../src/domain/template-catalog.ts';

const doc = readFileSync(new URL('../../../docs/notification.md', import.meta.url), 'utf8');
const section = doc.slice(
  doc.indexOf('## Who is told of what'),
  doc.indexOf('\n## ', doc.indexOf('## Who is told of what') + 3),
);
const rows = section.split('\n').filter((l) => l.startsWith('| `'));
const templatesListed = new Set(
  rows.flatMap((r) => [...(r.split('|').at(-2) ?? '').matchAll(/`([a-z-]+)`/g)].map((m) => m[1])),
);
const eventsListed = new Set(
  rows.flatMap((r) => [...(r.split('|')[1] ?? '').matchAll(/`([a-z_.]+)`/g)].map((m) => m[1])),
);

describe("docs/notification.md's table of who is told", () => {
  it('lists every template', () => {
    expect(Object.keys(templateCatalog).filter((t) => !templatesListed.has(t))).toEqual([]);
  });
  it('lists every event notification subscribes to', () => {
    expect([...subscriptionsOf('notification')].filter((e) => !eventsListed.has(e))).toEqual([]);
  });
  it('lists no template the code does not have', () => {
    expect([...templatesListed].filter((t) => !(t! in templateCatalog))).toEqual([]);
  });
});
