import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'react',
    root: import.meta.dirname,
    environment: 'jsdom',
    include: ['src/**/__tests__/**/*.test.ts?(x)'],
    // Integration tests boot one Strapi per process: every test file gets its own fork.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
