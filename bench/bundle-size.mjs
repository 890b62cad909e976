/**
 * What the live stack adds to a built app: the same minimal Vite page built twice, once without
 * and once with `@strapi-live/client` (createLiveClient, a live collection, a live entity, an
 * event listener and the status store), and the difference of their JavaScript, raw and gzip.
 * That difference is socket.io-client + @tanstack/query-core + the SDK, as an app ships them.
 *
 * Run with `npm run bench` at the root (builds first) or `node bench/bundle-size.mjs` after
 * `npm run build -w client`: the page imports the built client (client/dist), as an app would.
 * Exits 1 when the live stack is over the budget (BUNDLE_BUDGET_KB, 36 kB gzip by default).
 *
 * Vite is the examples' (examples/vanilla resolves it: 8.3, Rolldown and its default minifier),
 * so the figure is what the example pages pay. Gzip is zlib level 9, as `gzip -9`.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const clientEntry = path.join(root, 'client/dist/index.js');
const BUDGET_KB = Number(process.env.BUNDLE_BUDGET_KB ?? 36);

if (!existsSync(clientEntry)) {
  console.error(`bundle-size: ${path.relative(root, clientEntry)} is missing: run \`npm run build -w client\` first (\`npm run bench\` does).`);
  process.exit(2);
}

// The examples' Vite (8.x); the root one may be an older copy another package pulled in.
const requireFromExamples = createRequire(path.join(root, 'examples/vanilla/package.json'));
const vitePath = requireFromExamples.resolve('vite');
const { build, version: viteVersion } = await import(pathToFileURL(vitePath).href);

const HTML = '<!doctype html><html><head><meta charset="utf-8"><title>bundle size</title></head><body><ul id="list"></ul><script type="module" src="./main.js"></script></body></html>';

/** The same app around the live part: renders a list, so the two pages differ only by the SDK. */
const render = `
const list = document.getElementById('list');
export function render(items, label) {
  list.replaceChildren(...(items ?? []).map((item) => Object.assign(document.createElement('li'), { textContent: item.title ?? String(item) })));
  document.title = label;
}
`;

const PAGES = {
  without: `
import { render } from './render.js';
fetch('/api/articles?sort=title').then((response) => response.json()).then(({ data }) => render(data, 'static'));
`,
  with: `
import { createLiveClient } from '@strapi-live/client';
import { render } from './render.js';
const live = createLiveClient({ url: location.origin });
live.collection('api::article.article', { filters: { title: { $startsWith: 'a' } }, sort: 'title', populate: ['category'] })
  .subscribe(({ data, status, error }) => render(data, error ? error.message : status));
live.entity('api::article.article', 'abc').subscribe(({ data }) => render(data ? [data] : [], 'entity'));
live.on('article:create', (document) => render([document], 'created'));
live.status.subscribe(({ state }) => render([], state));
`,
};

async function buildPage(name, source) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bundle-size-${name}-`));
  try {
    writeFileSync(path.join(dir, 'index.html'), HTML);
    writeFileSync(path.join(dir, 'render.js'), render);
    writeFileSync(path.join(dir, 'main.js'), source);
    const result = await build({
      root: dir,
      configFile: false,
      logLevel: 'silent',
      mode: 'production',
      resolve: { alias: { '@strapi-live/client': clientEntry } },
      build: { write: false, outDir: path.join(dir, 'dist'), modulePreload: { polyfill: false }, reportCompressedSize: false },
    });
    const outputs = (Array.isArray(result) ? result : [result]).flatMap((each) => each.output);
    const chunks = outputs.filter((file) => file.type === 'chunk');
    const raw = chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk.code), 0);
    const gzip = chunks.reduce((sum, chunk) => sum + gzipSync(chunk.code, { level: 9 }).length, 0);
    return { raw, gzip, files: chunks.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const sizes = {};
for (const [name, source] of Object.entries(PAGES)) sizes[name] = await buildPage(name, source);
const added = { raw: sizes.with.raw - sizes.without.raw, gzip: sizes.with.gzip - sizes.without.gzip };

console.log(`\nBundle size of a minimal Vite ${viteVersion} page (JavaScript, minified; gzip -9)\n`);
console.log(`  ${''.padEnd(44)}${'raw'.padStart(12)}${'gzip'.padStart(12)}`);
console.log(`  ${'page without the live stack'.padEnd(44)}${kB(sizes.without.raw).padStart(12)}${kB(sizes.without.gzip).padStart(12)}`);
console.log(`  ${'page with createLiveClient + observers'.padEnd(44)}${kB(sizes.with.raw).padStart(12)}${kB(sizes.with.gzip).padStart(12)}`);
console.log(`  ${'added by the live stack'.padEnd(44)}${kB(added.raw).padStart(12)}${kB(added.gzip).padStart(12)}`);
const over = added.gzip > BUDGET_KB * 1000;
console.log(`\n  budget ${BUDGET_KB} kB gzip: ${over ? 'OVER' : 'ok'}\n`);
if (over) process.exitCode = 1;
