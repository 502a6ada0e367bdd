/**
 * The runner's supervisor: what Kubernetes does for a crashed container, done for the local stack.
 * Every process of the plan is kept running: when one dies (a crash, `kill -9`, an OOM), it is
 * started again after a back-off that doubles on each quick failure (1 s, 2 s, 4 s … 30 s) and
 * resets once the process has stayed up for a while, with a line in the log for each restart.
 *
 * It watches pid files rather than only its own children, so a supervisor started again adopts the
 * processes a previous one left running. `down` stops the supervisor before the processes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessSpec } from './plan.ts';
import { readPid, startProcess } from './procs.ts';

export interface SupervisorOptions {
  /** Where restarts are reported (a line each). */
  log: (line: string) => void;
  /** How often the pid files are checked. */
  pollMs?: number;
  /** The first back-off; it doubles on each failure within `stableMs` of the last start. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  /** A process that ran this long before dying is restarted after the first back-off again. */
  stableMs?: number;
}

interface Watched {
  spec: ProcessSpec;
  startedAt: number;
  failures: number;
  /** Why its last child exited, when the supervisor started it itself. */
  exit?: string;
  restartAt?: number;
}

export interface Supervisor {
  /** Restarts so far, per process name. */
  restarts: Map<string, number>;
  /** Stops supervising; the processes keep running (`down` stops them). */
  stop(): Promise<void>;
}

export function supervise(
  runDir: string,
  specs: ProcessSpec[],
  cwd: string,
  options: SupervisorOptions,
): Supervisor {
  const pollMs = options.pollMs ?? 500;
  const firstBackoffMs = options.firstBackoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const stableMs = options.stableMs ?? 60_000;
  const restarts = new Map<string, number>();
  const watched = specs.map((spec): Watched => ({ spec, startedAt: Date.now(), failures: 0 }));
  let running = true;

  const launch = (w: Watched) => {
    const child = startProcess(runDir, w.spec, cwd);
    w.startedAt = Date.now();
    w.exit = undefined;
    child.once('exit', (code, signal) => {
      w.exit = signal ?? `exit code ${code}`;
    });
  };

  // Start what is not running yet; adopt what is.
  for (const w of watched) if (!readPid(runDir, w.spec.name)) launch(w);

  const loop = (async () => {
    while (running) {
      const now = Date.now();
      for (const w of watched) {
        if (!running) break;
        if (readPid(runDir, w.spec.name)) {
          w.restartAt = undefined; // started by someone else meanwhile (`restart`)
          continue;
        }
        if (w.restartAt === undefined) {
          w.failures = now - w.startedAt >= stableMs ? 1 : w.failures + 1;
          const backoff = Math.min(maxBackoffMs, firstBackoffMs * 2 ** (w.failures - 1));
          w.restartAt = now + backoff;
          const n = (restarts.get(w.spec.name) ?? 0) + 1;
          options.log(
            `${w.spec.name} is down (${w.exit ?? 'gone'}); restart #${n} in ${backoff / 1000} s (log: ${w.spec.log})`,
          );
        } else if (now >= w.restartAt) {
          w.restartAt = undefined;
          restarts.set(w.spec.name, (restarts.get(w.spec.name) ?? 0) + 1);
          try {
            launch(w);
          } catch (err) {
            options.log(`${w.spec.name} could not be started: ${err instanceof Error ? err.message : err}`);
          }
        }
      }
      await sleep(pollMs);
    }
  })();

  return {
    restarts,
    async stop() {
      running = false;
      await loop;
    },
  };
}
