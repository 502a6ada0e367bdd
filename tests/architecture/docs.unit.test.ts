/**
 * The docs stand on their own: a reader never saw the design documents this project started from,
 * so reader-facing text says what a thing is ("when an order is placed, each seller is told",
 * "coupon validation (`POST /internal/coupons/validate`)") instead of citing them by the design's
 * shorthand ("the seed", "contract 6", "flow 4.1 step 3", "seed §3.1"). Scanned: every Markdown
 * file, the chart's NOTES.txt, values and templates, the manifests in k8s/ and components/
 * (docs/events.md is generated from the event catalog's purposes, so those are covered too) and
 * the generated API reference (services' descriptions and route summaries). The code is read by
 * newcomers too: the comments and test names (describe/it/test) of every TypeScript file in
 * packages/, services/, scripts/, tests/ and bench/ follow the same rule, except the seeding script
 * (scripts/seed*, where "the seed" is that script) and this file, which lists the shorthand.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './graph.ts';

const shorthand: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bthe seed\b|\bseed'?s\b/i, '"the seed": say "the original design" and state the fact'],
  [/\bseed (?:§|\d|sections?\b|flows?\b)/i, '"seed §/section/flow": say what that part describes'],
  [
    /\bcontracts? \d/i,
    '"contract N": name the API (e.g. coupon validation, `POST /internal/coupons/validate`)',
  ],
  [/\bflows? \d+\.\d+/i, '"flow 4.1": say what happens (e.g. "when an order is placed")'],
  [/\bsections? \d+\.\d+/i, '"section 1.3": say what that section covers'],
  // A law's article (정보통신망법 §50) is a real citation; a bare § cites the design.
  [/(?<!법\s?)§\s?\d/, '"§3.1": say what that part describes'],
];

const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f !== '' && !f.includes('node_modules/'));
const readerFacing = tracked.filter(
  (f) =>
    f.endsWith('.md') ||
    f.endsWith('/NOTES.txt') ||
    f === 'packages/contracts/generated/openapi.json' ||
    // The chart's values and templates and the manifests are read by whoever deploys.
    (/^(charts|k8s|components)\//.test(f) && /\.(ya?ml|tpl)$/.test(f)),
);

const codeRoots = /^(packages|services|scripts|tests|bench)\//;
const code = tracked.filter(
  (f) =>
    codeRoots.test(f) &&
    f.endsWith('.ts') &&
    !f.includes('/generated/') &&
    !f.startsWith('scripts/seed') &&
    f !== 'tests/architecture/docs.unit.test.ts',
);

/** What a reader reads as prose on a line of code: its comment, or the whole line when it names a test. */
function prose(line: string): string {
  if (/^\s*(?:\/\*|\*)/.test(line) || /\b(?:describe|it|test)(?:\.\w+)*\(\s*['"`]/.test(line)) return line;
  const at = line.search(/(?:^|\s)\/\//);
  return at < 0 ? '' : line.slice(at);
}

/** Every line of `text` that uses the design's shorthand, as `file:line: why — …the words around it…`. */
function findShorthand(file: string, text: string, only: (line: string) => string = (l) => l): string[] {
  return text
    .split('\n')
    .map(only)
    .flatMap((line, i) =>
      shorthand.flatMap(([pattern, why]) => {
        const at = line.search(pattern);
        return at < 0 ? [] : [`${file}:${i + 1}: ${why} — …${line.slice(Math.max(0, at - 40), at + 80)}…`];
      }),
    );
}

describe("the reader-facing docs don't cite the design documents by shorthand", () => {
  it('scans the README, docs/, the chart and the API reference', () => {
    for (const f of [
      'README.md',
      'docs/events.md',
      'docs/decisions/0006-system-settings-pushed-to-owners.md',
    ]) {
      expect(readerFacing).toContain(f);
    }
    expect(readerFacing).toContain('charts/marketplace/templates/NOTES.txt');
    expect(readerFacing).toContain('packages/contracts/generated/openapi.json');
    expect(readerFacing).toContain('charts/marketplace/values.yaml');
  });

  it('finds each shorthand and lets plain words and law citations through', () => {
    const hits = (line: string) => findShorthand('x.md', line).length;
    for (const bad of [
      'The seed puts X in Redis.',
      "the seed's DynamoDB tables",
      'synchronously (seed §3.1: Admin)',
      'Seed sections 1.3, 1.10',
      'Contract 6 at `POST /internal/coupons/validate`',
      'flow 4.1 step 3',
      'ordering’s flows 4.1/4.2',
      'see §3.1',
    ]) {
      expect(hits(bad), bad).toBeGreaterThan(0);
    }
    for (const good of [
      'the seeded market (`scripts/seed.sh`)',
      '`seller-01@seed.example.kr`',
      'until the user opts in (정보통신망법 §50)',
      'the public contract of the API',
      'when an order is placed, each seller is told',
    ]) {
      expect(hits(good), good).toBe(0);
    }
  });

  it('says what each thing is instead', () => {
    const found = readerFacing.flatMap((f) => findShorthand(f, readFileSync(join(root, f), 'utf8')));
    expect(found, `the design's shorthand in reader-facing text:\n${found.join('\n')}`).toEqual([]);
  });
});

describe("code comments and test names don't cite the design documents by shorthand either", () => {
  it('scans the TypeScript of packages/, services/, scripts/, tests/ and bench/', () => {
    for (const f of [
      'packages/contracts/src/catalog.ts',
      'services/order/src/domain/checkout.ts',
      'scripts/gen/chart.ts',
      'tests/e2e/ordering.test.ts',
      'bench/orders.ts',
      'services/inventory/bench/reservations.bench.ts',
    ]) {
      expect(code).toContain(f);
    }
    expect(code).not.toContain('scripts/seed/api.ts');
  });

  it('reads only comments and test names', () => {
    const hits = (line: string) => findShorthand('x.ts', line, prose).length;
    for (const bad of [
      '/** files_db.file_metadata (seed 1.15). */',
      " * the seed's Lambda step",
      '  x(); // contract 7',
      "describe('contract 2: GET /internal/users/{userId}', () => {",
      "  it('looks at the grade again on delivery (flow 4.1 step 8)', async () => {",
    ]) {
      expect(hits(bad), bad).toBeGreaterThan(0);
    }
    for (const good of [
      "const seeds = 'flow 4.1';",
      "const url = 'http://x/contract 7';",
      '// until the user opts in (정보통신망법 §50)',
    ]) {
      expect(hits(good), good).toBe(0);
    }
  });

  it('says what each thing is instead', () => {
    const found = code.flatMap((f) => findShorthand(f, readFileSync(join(root, f), 'utf8'), prose));
    expect(found, `the design's shorthand in code comments and test names:\n${found.join('\n')}`).toEqual([]);
  });
});

describe('the docs index (docs/README.md)', () => {
  it('lists every decision record by its number and file', () => {
    const index = readFileSync(join(root, 'docs/README.md'), 'utf8');
    const records = tracked.filter((f) => /^docs\/decisions\/\d{4}-.+\.md$/.test(f));
    expect(records.length).toBeGreaterThan(40);
    const listed = (f: string) => index.includes(`[${f.slice(15, 19)}](${f.slice(5)})`);
    expect(records.filter((f) => !listed(f))).toEqual([]);
  });
});
