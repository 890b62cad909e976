import { defineProject } from 'vitest/config';

/**
 * The SDK's integration tests (those that boot the example app) again, each file on a PostgreSQL
 * database of its own (see examples/strapi-app/testing/boot-example-app.ts). The convergence test
 * has its own PostgreSQL (ICU collation) file in the `client` project.
 */
export default defineProject({
  test: {
    name: 'client-postgres',
    root: import.meta.dirname,
    include: ['src/__tests__/live-collection.test.ts', 'src/__tests__/convergence-content.test.ts', 'src/__tests__/live-single.test.ts', 'src/__tests__/many-queries.test.ts', 'src/__tests__/reconnect.test.ts', 'src/__tests__/connection-failure.test.ts'],
    env: { STRAPI_TEST_DATABASE: 'postgres' },
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
