// Plain JavaScript (types in browser.d.mts) so that the tests and the benchmarks under bench/,
// which run in plain Node, launch Chromium the same way from one place.
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createBrotliDecompress } from 'node:zlib';
import { chromium } from 'playwright-core';

/** Where the packaged Chromium is unpacked: inside the checkout, gone with `node_modules`. */
const CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../node_modules/.cache/strapi-live');

/** Debian's Chromium, when the machine has it. */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for a root user on a machine with no outside network: without the background-networking
 * ones Chromium keeps opening connections that the closed network refuses.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Never a browser downloaded at install or run time: `CHROMIUM_PATH`, else Debian's
 * `/usr/bin/chromium`, else the headless Chromium that `@sparticuz/chromium` ships inside its npm
 * tarball (a devDependency, unpacked on first use), so `npm test` passes on a fresh clone with no
 * apt step.
 */
export async function resolveChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, which does not exist`);
    return { executablePath: fromEnv, source: 'CHROMIUM_PATH' };
  }
  if (existsSync(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, source: 'system' };
  return { executablePath: await unpackPackagedChromium(), source: '@sparticuz/chromium' };
}

/**
 * The binary `@sparticuz/chromium` ships brotli-compressed in its tarball, unpacked once per
 * checkout into node_modules/.cache. Not through the package's own `executablePath()`: that writes
 * straight to `/tmp/chromium` and trusts any file there, so two test files starting at once (or a
 * run killed while unpacking) would launch a half-written binary. Here each process writes its own
 * temporary file and renames it into place, which is atomic.
 */
async function unpackPackagedChromium() {
  const entry = fileURLToPath(import.meta.resolve('@sparticuz/chromium'));
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const target = path.join(CACHE_DIR, `chromium-${version}`);
  if (existsSync(target)) return target;
  mkdirSync(CACHE_DIR, { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  await pipeline(createReadStream(path.join(packageDir, 'bin', 'chromium.br')), createBrotliDecompress(), createWriteStream(partial, { mode: 0o755 }));
  renameSync(partial, target);
  return target;
}

/** Headless Chromium with the flags above, and `args` after them. */
export async function launchChromium({ args = [] } = {}) {
  const { executablePath, source } = await resolveChromium();
  try {
    return await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, ...args], timeout: 30_000 });
  } catch (error) {
    throw new Error(`Could not launch Chromium from ${executablePath} (${source}): ${error.message}`, { cause: error });
  }
}
