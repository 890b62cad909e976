import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'snippets',
    root: import.meta.dirname,
    include: ['snippets/**/*.test.ts'],
    environment: 'node',
    // Type-checking every snippet against the built packages takes a few seconds per flavor.
    testTimeout: 120_000,
  },
});
