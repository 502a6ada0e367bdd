import { AsyncLocalStorage } from 'node:async_hooks';

/** What a unit of work (a request or an event delivery) carries to everything it calls. */
export interface WorkContext {
  correlationId: string;
  traceId: string;
  /**
   * The W3C trace context the work runs in (packages/platform/src/trace.ts): sent on every
   * invocation, stored with every outbox row, published with the event.
   */
  traceparent?: string;
  tracestate?: string;
  userId?: string;
  /** The event being handled, when the work is an event delivery. */
  causationId?: string;
  /**
   * The work answers an HTTP request (the app's request context, not an event handler's inside it):
   * its 4xx problems are the answer and carry no stack trace (errors.ts).
   */
  answering?: true;
}

const storage = new AsyncLocalStorage<WorkContext>();

export const runInContext = <T>(ctx: WorkContext, fn: () => T): T => storage.run(ctx, fn);
export const currentContext = (): WorkContext | undefined => storage.getStore();
