import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'packaging',
    root: import.meta.dirname,
    include: ['*.test.ts'],
    globalSetup: ['./pack-all.ts'],
    // tsc over a Strapi app and the bindings takes a while on two shared cores.
    testTimeout: 120_000,
  },
});
