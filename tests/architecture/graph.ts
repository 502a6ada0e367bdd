/**
 * The repository's import graph, as TypeScript itself resolves it (tsconfig.base.json's options,
 * workspace packages through their node_modules links), for the architecture tests. Every import
 * counts: `import type`, `export … from` and dynamic `import()` alike, since a type-only circle
 * still ties two files together for whoever reads them.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** A path relative to the repository root, with forward slashes. */
export const rel = (file: string): string => relative(root, file).split(sep).join('/');

/** Every .ts file under `dir` (relative to the root), node_modules aside. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(join(root, dir));
  return out;
}

/** Directories holding the code whose graph is checked. */
export function codeDirs(): string[] {
  const under = (d: string) =>
    readdirSync(join(root, d))
      .filter((n) => statSync(join(root, d, n)).isDirectory())
      .map((n) => `${d}/${n}`);
  return [
    ...under('services').map((d) => `${d}/src`),
    ...under('services').map((d) => `${d}/test`),
    ...under('services').map((d) => `${d}/bench`),
    ...under('packages').map((d) => `${d}/src`),
    ...under('packages').map((d) => `${d}/test`),
    'bench',
    'scripts',
    'tests',
  ].filter((d) => {
    try {
      return statSync(join(root, d)).isDirectory();
    } catch {
      return false;
    }
  });
}

export interface Edge {
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** The resolved file, relative to the root; undefined for node: built-ins and npm packages. */
  to: string | undefined;
}

const options: ts.CompilerOptions = (() => {
  const configPath = join(root, 'tsconfig.base.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, root).options;
})();

/** The imports of one file, resolved. */
export function importsOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const from = rel(file);
  return info.importedFiles.map(({ fileName: specifier }) => {
    const resolved = ts.resolveModuleName(specifier, file, options, ts.sys).resolvedModule;
    if (!resolved || resolved.isExternalLibraryImport) return { from, specifier, to: undefined };
    const real = realpathSync(resolved.resolvedFileName);
    const to = rel(real);
    return { from, specifier, to: to.startsWith('..') || to.includes('node_modules/') ? undefined : to };
  });
}

/** The graph of every checked file: file → the local files it imports. */
export function importGraph(dirs = codeDirs()): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const dir of dirs) for (const file of sourceFiles(dir)) graph.set(rel(file), importsOf(file));
  return graph;
}

/** Strongly connected components of more than one file (or a file importing itself): the circles. */
export function circles(graph: Map<string, Edge[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const connect = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const { to: w } of graph.get(v) ?? []) {
      if (!w || !graph.has(w)) continue;
      if (!idx.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).some((e) => e.to === v);
      if (scc.length > 1 || selfLoop) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) connect(v);
  return out.sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}

export function lineCount(file: string): number {
  const text = readFileSync(join(root, file), 'utf8');
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
