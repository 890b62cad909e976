import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'client',
    root: import.meta.dirname,
    include: ['src/**/__tests__/**/*.test.ts'],
    // Integration tests boot one Strapi per process: every test file gets its own fork.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
