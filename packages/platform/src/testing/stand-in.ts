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
