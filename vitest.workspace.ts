/**
 * The test projects of the monorepo. Vitest 4 no longer reads this file by itself:
 * the root vitest.config.ts imports it as `test.projects`.
 */
export default [
  'plugin/vitest.config.mts',
  'plugin/vitest.postgres.config.mts',
  'client/vitest.config.mts',
  'client/vitest.postgres.config.mts',
  'react/vitest.config.mts',
  'vue/vitest.config.mts',
  'examples/e2e/vitest.config.mts',
  'packaging/vitest.config.mts',
  'type-tests/vitest.config.mts',
];
