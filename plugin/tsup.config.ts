import { defineConfig } from 'tsup';

/**
 * Declarations only; `strapi-plugin build` bundles the JavaScript (the admin's too: its declaration
 * is only there so that every export of the package resolves to types). Each export gets a bundled
 * `index.d.ts` beside its CommonJS `index.js` and an `index.d.mts` beside its ESM `index.mjs`, which
 * TypeScript finds next to the file the `require` / `import` condition picks. (sdk-plugin allows
 * one `types` condition per export, and one file cannot describe both formats.)
 *
 * Bundling inlines the wire protocol types from their one source, `client/src/protocol.ts`, so the
 * published plugin needs no `@strapi-live/client` (not even for types) and the two cannot drift.
 */
export default defineConfig({
  entry: { 'server/index': 'server/src/index.ts', 'types/index': 'server/src/types.ts', 'admin/index': 'admin/src/index.ts' },
  outDir: 'dist',
  format: ['cjs', 'esm'],
  tsconfig: 'server/tsconfig.json',
  dts: {
    only: true,
    compilerOptions: {
      // Relative to this package (tsup sets `baseUrl`); a path mapping, unlike the workspace
      // package it shadows, is not treated as external, so its declarations are inlined.
      baseUrl: '.',
      paths: { '@strapi-live/client/protocol': ['../client/src/protocol.ts'] },
      // The admin entry's pages (loaded lazily, so part of its program) are React; admin/tsconfig.json
      // type-checks them, this only lets the declarations build read them.
      jsx: 'react-jsx',
    },
  },
  // Only the declarations under dist (tsup's dts clean), not what `strapi-plugin build` just wrote.
  clean: true,
});
