/**
 * The README's commands work as written: its shell blocks marked `sh run` run in order in one
 * interactive shell (as someone pasting them would), from the repository's root, against this
 * suite's stack (its ports in place of stack 0's). A command that fails, or an answer that is an
 * error (a problem with a 4xx/5xx status), fails the test, naming the block.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gatewayPortOf, stackNumber } from '../../scripts/stack/ports.ts';
import { api, settled } from './lib.ts';

const root = join(import.meta.dirname, '..', '..');

/** The blocks meant to run: fenced with the info string `sh run`. */
export function runnableBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh run\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** A command of stack 0 as it reads for stack N: the gateway's, the apps' metrics and the AWS emulator's ports. */
export function forStack(block: string, stack: number): string {
  return block
    .replaceAll('localhost:8080', `localhost:${gatewayPortOf(stack)}`)
    .replaceAll(/localhost:(31\d\d\d)\b/g, (_, port) => `localhost:${Number(port) + 100 * stack}`)
    .replaceAll('127.0.0.1:4566', `127.0.0.1:${4566 + stack}`);
}

describe('the README', () => {
  // The few thousand events of the sample market (scripts/seed.sh) are carried before the next file starts.
  afterAll(() => settled(), 360_000);
  const blocks = runnableBlocks(readFileSync(join(root, 'README.md'), 'utf8'));

  it('marks the blocks meant to run', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    expect(blocks[0]).toContain('source scripts/lib/env.sh');
  });

  it('runs them as written, in order, in one shell', { timeout: 600_000 }, async () => {
    const stack = stackNumber();
    const script = [
      // Every failing command is reported (an interactive shell goes on after one, as a terminal would).
      `trap 'echo "::failed:: $BASH_COMMAND (exit $?)"' ERR`,
      // (curl -s prints no newline after a body: the marker starts a line of its own.)
      ...blocks.flatMap((b, i) => [`printf "\\n::block ${i + 1}::\\n"`, forStack(b, stack)]),
      // Sourcing env.sh leaves the person's shell as it was (no errexit that would close it).
      `[[ $- == *e* ]] && echo "::failed:: errexit left on"`,
      `printf "\\n::vars:: %s %s\\n" "$ORDER" "$TOKEN"`,
    ].join('\n');
    const run = spawnSync('bash', ['--norc', '--noprofile', '-i', '-c', script], {
      cwd: root,
      env: { ...process.env, MP_STACK: String(stack) },
      encoding: 'utf8',
      timeout: 540_000,
      maxBuffer: 64 << 20,
    });
    const out = run.stdout ?? '';
    const parts = out.split(/^::block (\d+)::$/m);
    // The one answer allowed to be an error: the README buyer's sign-up when the account exists.
    const signUp = String(blocks.findIndex((b) => b.includes('"role":"buyer"')) + 1);
    const failures: string[] = [];
    for (let i = 1; i < parts.length; i += 2) {
      const [n, text] = [parts[i]!, parts[i + 1]!];
      for (const line of text.split('\n')) {
        if (line.startsWith('::failed::')) failures.push(`block ${n}: ${line}`);
        const problem = /"status":([45]\d\d)/.exec(line);
        if (problem && !(n === signUp && problem[1] === '409'))
          failures.push(`block ${n} answered ${problem[1]}: ${line.slice(0, 300)}`);
      }
    }
    expect(failures, `${out.slice(-3000)}\n${run.stderr?.slice(-2000)}`).toEqual([]);
    expect(run.status, run.stderr?.slice(-2000)).toBe(0);

    // What the blocks did, seen through the API: the buyer's last order is paid.
    const [order, token] = out.split('::vars:: ')[1]!.trim().split(' ');
    expect(out.match(/"status":"DONE"/g)?.length, 'payments confirmed').toBeGreaterThanOrEqual(3);
    const last = await api('GET', `/api/v1/orders/${order}`, { token: token! });
    expect(last.status).toBe(200);
    expect(['PAID', 'PREPARING']).toContain(last.body.status);
  });
});
