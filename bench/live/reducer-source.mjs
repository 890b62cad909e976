import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** esbuild, which comes with tsup (a root devDependency): resolved from there. */
export const esbuild = createRequire(createRequire(import.meta.url).resolve('tsup'))('esbuild');

/**
 * The reducer (client/src/collection-state.ts, not exported by the package) and `parseSort`,
 * bundled from source by esbuild. `sourceDir` defaults to client/src; BENCH_CLIENT_SRC points it at
 * another copy of the sources (an older version, to compare).
 */
export async function loadReducer(sourceDir = process.env.BENCH_CLIENT_SRC ?? path.join(rootDir, 'client', 'src')) {
  const result = await esbuild.build({
    stdin: {
      contents: "export * from './collection-state.ts'; export { parseSort } from './sort.ts';",
      resolveDir: path.resolve(sourceDir),
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
  });
  return import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`);
}

/**
 * What a reducer state holds besides its documents: per-document clocks and remembered event ids.
 * Reads `heldCounts(state)` when the reducer has it, else the fields of the older state shape.
 */
export function heldCounts(reducer, state) {
  if (typeof reducer.heldCounts === 'function') return reducer.heldCounts(state);
  return { clocks: state.clocks.size, eventIds: state.seen.length };
}

/** The client package to bench: `@strapi-live/client`, or the build BENCH_CLIENT points at. */
export async function loadClient() {
  const target = process.env.BENCH_CLIENT;
  return import(target ? pathToFileURL(path.resolve(target)).href : '@strapi-live/client');
}
