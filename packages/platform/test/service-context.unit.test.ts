/** The context the kit builds once per service (a definition's `context(deps)`). */
import { describe, expect, it } from 'vitest';
import { buildService, type ServiceDeps, type TokenVerifier } from '../src/index.ts';

const env = {
  DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing',
  APP_API_TOKEN: 'a-token-of-sixteen-chars',
  ENVIRONMENT: 'test',
};
const verifier: TokenVerifier = { verify: async () => ({}) as never } as unknown as TokenVerifier;

describe("a service's context", () => {
  it('that extends the deps carries the verifier too, though it is made after the context', async () => {
    const svc = buildService(
      {
        name: 'file',
        context: (deps: ServiceDeps<unknown>) => ({ ...deps, extra: 1 }),
        migrations: {},
        routes: () => {},
      },
      { env, verifier },
    );
    expect(svc.ctx.extra).toBe(1);
    expect(svc.ctx.verifier).toBe(verifier);
    await svc.stop();
  });
});
