/**
 * What a middleware says about the routes it guards (the roles `requireRole` lets in, the key
 * `idempotent()` asks for), recorded where the middleware is made and read by the API document
 * (openapi.ts). A module of its own so that the middleware and the document need not import each other.
 */
import type { MiddlewareHandler } from 'hono';

export type Role = 'buyer' | 'seller' | 'admin';

export interface RouteMarks {
  roles?: readonly Role[];
  idempotent?: boolean;
}

const marks = new WeakMap<object, RouteMarks>();

/** Records what a middleware means for the API document (used by requireRole and idempotent). */
export function markMiddleware<M extends MiddlewareHandler>(mw: M, m: RouteMarks): M {
  marks.set(mw, m);
  return mw;
}

/** What a handler was marked with, if anything. */
export const marksOfHandler = (handler: object): RouteMarks | undefined => marks.get(handler);
