/**
 * Builds a benchmark page for the fake Strapi to serve under `/bench/` (fake-strapi.mjs `pageDir`):
 * `entry` bundled by esbuild for the browser in production mode, as an app's bundler would (the
 * built packages, React's and Vue's production code), into `page.js`, and an `index.html` with a
 * `#root` element that loads it.
 */
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuild } from './reducer-source.mjs';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const reactRequire = createRequire(path.join(rootDir, 'react', 'package.json'));

/**
 * React as @strapi-live/react resolves it (react/node_modules when the workspace has its own copy:
 * Strapi's admin brings another React to the root), so the page and the bindings share one React.
 */
export const reactAliases = () => ({
  react: path.dirname(reactRequire.resolve('react/package.json')),
  'react-dom': path.dirname(reactRequire.resolve('react-dom/package.json')),
});

export async function buildBenchPage({ dir, entry, title, alias = {} }) {
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    alias,
    define: {
      'process.env.NODE_ENV': '"production"',
      // Vue's esm-bundler build asks the bundler for its feature flags.
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    outfile: path.join(dir, 'page.js'),
    logLevel: 'warning',
  });
  writeFileSync(path.join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>${title}</title><div id="root"></div><script type="module" src="page.js"></script>\n`);
}
