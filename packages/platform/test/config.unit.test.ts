import { describe, expect, it } from 'vitest';
import { baseConfigSchema, ConfigError, parseConfig } from '../src/config.ts';

const env = { DATABASE_URL: 'postgres://x@localhost/db', APP_API_TOKEN: 'x'.repeat(16), LOCAL_DEV: 'true' };
const issuesOf = (e: Record<string, string>) => {
  try {
    parseConfig('review', baseConfigSchema, e);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => i.variable);
  }
};

describe('LOCAL_DEV fails closed', () => {
  it.each(['production', 'prod', 'staging', 'Production', 'local '])(
    'is refused with ENVIRONMENT %j',
    (environment) => {
      expect(issuesOf({ ...env, ENVIRONMENT: environment })).toEqual(['LOCAL_DEV']);
    },
  );

  it('is refused when ENVIRONMENT is not set at all (its default is no permission)', () => {
    expect(issuesOf(env)).toEqual(['LOCAL_DEV']);
  });

  it.each(['local', 'dev', 'development', 'test'])('is allowed with ENVIRONMENT %j', (environment) => {
    expect(issuesOf({ ...env, ENVIRONMENT: environment })).toEqual([]);
    expect(parseConfig('review', baseConfigSchema, { ...env, ENVIRONMENT: environment }).LOCAL_DEV).toBe(
      true,
    );
  });

  it('leaves a production service without LOCAL_DEV alone', () => {
    const { LOCAL_DEV: _, ...prod } = env;
    expect(issuesOf({ ...prod, ENVIRONMENT: 'production' })).toEqual([]);
  });
});
