import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'plugin',
    root: import.meta.dirname,
    include: ['server/src/**/__tests__/**/*.test.ts', 'admin/src/**/__tests__/**/*.test.ts'],
    // One Strapi per process: every test file gets its own fork.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
