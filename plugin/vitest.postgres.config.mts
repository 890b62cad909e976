import { defineProject } from 'vitest/config';

/**
 * The plugin's integration tests again, each file on a PostgreSQL database of its own
 * (127.0.0.1:5432; see examples/strapi-app/testing/boot-example-app.ts). The cluster tests and the
 * *.postgres tests run on PostgreSQL in the `plugin` project already.
 */
export default defineProject({
  test: {
    name: 'plugin-postgres',
    root: import.meta.dirname,
    include: ['server/src/__tests__/*.test.ts'],
    exclude: ['server/src/__tests__/cluster*.test.ts', 'server/src/__tests__/*.postgres.test.ts', 'server/src/__tests__/validate-config.test.ts'],
    env: { STRAPI_TEST_DATABASE: 'postgres' },
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
