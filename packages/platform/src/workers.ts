import type { Logger } from './logger.ts';

/** A background job that starts with the service and stops before its pools close. */
export interface Worker {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `tick` every `everyMs`, never two at once. Ticks that must not run on two replicas at the
 * same time take row locks (FOR UPDATE SKIP LOCKED) or an advisory lock in their own SQL.
 */
export function intervalWorker(
  name: string,
  everyMs: number,
  log: Logger,
  tick: () => Promise<unknown>,
): Worker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const run = () => {
    if (running) return;
    running = tick()
      .catch((err) => log.error({ err, worker: name }, 'worker tick failed'))
      .finally(() => {
        running = undefined;
      });
  };
  return {
    name,
    async start() {
      timer = setInterval(run, everyMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
