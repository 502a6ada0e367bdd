/**
 * Fills Node's compile cache (each TypeScript file's stripped source and V8 code) for entry
 * modules by compiling their module graphs without running them: a first import throws before
 * anything else is evaluated. A process that then starts with NODE_COMPILE_CACHE pointing at the
 * folder never loads Node's type stripper, about 18 MB of memory per process. The image's build
 * (scripts/image/prepare.sh) and the local stack (scripts/stack, before it starts the apps) run it.
 * Plain JavaScript, so that loading it strips nothing itself.
 *   node scripts/image/compile-cache.mjs <cache folder> <entry> [entry …]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [cacheDir, ...entries] = process.argv.slice(2);
if (!cacheDir || !entries.length)
  throw new Error('usage: compile-cache.mjs <cache folder> <entry> [entry …]');
const cache = module.enableCompileCache(resolve(cacheDir));
if (cache.status === module.constants.compileCacheStatus.FAILED)
  throw new Error(`compile cache: ${cache.message}`);
const dir = mkdtempSync(join(tmpdir(), 'compile-cache-'));
try {
  const stop = join(dir, 'stop.mjs');
  writeFileSync(stop, "throw 'compiled';\n");
  for (const [i, entry] of entries.entries()) {
    const wrapper = join(dir, `${i}.mjs`);
    writeFileSync(
      wrapper,
      `import ${JSON.stringify(pathToFileURL(stop).href)};\nimport ${JSON.stringify(pathToFileURL(resolve(entry)).href)};\n`,
    );
    await import(pathToFileURL(wrapper).href).catch((e) => {
      if (e !== 'compiled') throw e;
    });
  }
  module.flushCompileCache();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
