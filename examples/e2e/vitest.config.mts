import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'examples-e2e',
    root: import.meta.dirname,
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // One Strapi and one Chromium for the whole file, in its own process (Strapi is a singleton).
    pool: 'forks',
    testTimeout: 45_000,
    hookTimeout: 120_000,
  },
});
