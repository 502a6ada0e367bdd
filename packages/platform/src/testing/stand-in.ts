import { afterAll, beforeAll } from 'vitest';

/**
 * An object that stands for one made later — the service a test file starts in `beforeAll` — so the
 * file can name it once, at its top (`const svc = orderForFile()`): each property read is the real
 * one's, and a read before it exists throws, naming `what`.
 */
export function standIn<T extends object>(current: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_, key) {
      const real = current();
      if (!real) throw new Error(`${what} is not started yet: use it inside a test or a hook`);
      return Reflect.get(real, key);
    },
  });
}

/**
 * The one way a service test file starts its service: `start` runs before the file's tests, `close()`
 * after them, and the file names the service at its top (`const svc = orderForFile()`; each service's
 * test helpers wrap this as `<service>ForFile`).
 */
export function serviceForFile<S extends { close(): Promise<void> }>(
  start: () => Promise<S>,
  what: string,
): S {
  let svc: S | undefined;
  beforeAll(async () => {
    svc = await start();
  });
  afterAll(() => svc?.close());
  return standIn(() => svc, what);
}
