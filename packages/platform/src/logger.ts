import { type Logger, pino } from 'pino';
import { currentContext } from './context.ts';

export type { Logger };

/** JSON logs, one line each; every line carries the correlation id of the work it belongs to. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const ctx = currentContext();
      return ctx ? { correlationId: ctx.correlationId } : {};
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
  });
}
