import { defineConfig } from 'vitest/config';

/**
 * One command runs every test (`scripts/test.sh`); the projects split them by what they need:
 *  - unit:    pure functions, no I/O; the architecture checks (tests/architecture)
 *  - service: a service or the kit against real PostgreSQL, through app.request()
 *  - k8s:     the Helm chart, rendered offline against the catalog and the route table
 *  - e2e:     the whole system on real daprd sidecars, through the gateway
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/test/**/*.unit.test.ts',
            'services/*/test/**/*.unit.test.ts',
            'scripts/**/*.unit.test.ts',
            'tests/architecture/**/*.unit.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'service',
          include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts'],
          exclude: ['**/*.unit.test.ts', '**/node_modules/**'],
          globalSetup: ['tests/setup/database.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          // The Helm chart rendered offline (scripts/test.sh k8s puts helm on PATH).
          name: 'k8s',
          include: ['tests/k8s/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/setup/stack.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
