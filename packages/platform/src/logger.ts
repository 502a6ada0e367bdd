import { type DestinationStream, type Logger, pino } from 'pino';
import { currentContext } from './context.ts';
import { parseTraceparent } from './trace.ts';

export type { Logger };

/**
 * JSON logs, one line each; every line carries the correlation id of the work it belongs to and
 * its trace (`trace_id`, and `span_id`: the span the work was handed over from), so a line leads
 * to the trace in the viewer and a trace to its lines.
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
    },
    destination,
  );
}
