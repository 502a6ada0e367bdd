import { type DestinationStream, type Logger, pino } from 'pino';
import { currentContext } from './context.ts';
import { parseTraceparent } from './trace.ts';

export type { Logger };

/** Log lines wait in memory until this many bytes are buffered… */
export const LOG_BUFFER_BYTES = 8192;
/** …or this long, whichever comes first. */
export const LOG_FLUSH_MS = 250;

type Stdout = ReturnType<typeof pino.destination>;
let stdout: Stdout | undefined;

/**
 * The process's log destination: stdout, written asynchronously in batches (sonic-boom with a
 * buffer, written at most LOG_FLUSH_MS after a line) instead of one synchronous write per line, which under load
 * was the largest single cost of the apps (docs/benchmarks.md). One per process, shared by every
 * logger so lines keep their order. Nothing is lost on the way out: pino flushes it synchronously
 * when the process exits (process.exit, an uncaught exception), the kit's shutdown flushes it
 * (flushLogs), and a fatal line is written at once. A SIGKILL loses at most the last LOG_FLUSH_MS.
 */
export function logStdout(): Stdout {
  stdout ??= flushedAfter(
    pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES }),
    LOG_FLUSH_MS,
  );
  return stdout;
}

/**
 * A buffered destination that writes what it holds `ms` after its first line: its own timer
 * rather than sonic-boom's `periodicFlush`, which wrote (an empty string, through the thread
 * pool) every `ms` whether a line had come or not, four times a second in every idle app.
 */
export function flushedAfter(dest: Stdout, ms: number): Stdout {
  const write = dest.write.bind(dest);
  let timer: NodeJS.Timeout | undefined;
  dest.write = (line: string) => {
    timer ??= setTimeout(() => {
      timer = undefined;
      try {
        dest.flush();
      } catch {
        // Closed already (the process is on its way out): flushLogs wrote what it held.
      }
    }, ms).unref();
    return write(line);
  };
  return dest;
}

/** Writes what the log buffer holds, synchronously (before an exit). */
export function flushLogs(): void {
  try {
    stdout?.flushSync();
  } catch {
    // Not open yet or already closed: nothing to write.
  }
}

/**
 * JSON logs, one line each; every line carries the correlation id of the work it belongs to and
 * its trace (`trace_id`, and `span_id`: the span the work was handed over from), so a line leads
 * to the trace in the viewer and a trace to its lines. Written to `destination`, by default the
 * process's buffered stdout (logStdout).
 */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const ctx = currentContext();
        if (!ctx) return {};
        const trace = parseTraceparent(ctx.traceparent);
        return trace
          ? { correlationId: ctx.correlationId, trace_id: trace.traceId, span_id: trace.spanId }
          : { correlationId: ctx.correlationId, trace_id: ctx.traceId };
      },
      redact: {
        paths: [
          'password',
          '*.password',
          'newPassword',
          '*.newPassword',
          'refreshToken',
          '*.refreshToken',
          'req.headers.authorization',
        ],
        censor: '[redacted]',
      },
      // A fatal line is what is read after a crash: it does not wait in the buffer.
      hooks: {
        logMethod(args, method, lvl) {
          method.apply(this, args);
          if (lvl >= pino.levels.values.fatal! && !destination) flushLogs();
        },
      },
    },
    destination ?? logStdout(),
  );
}
