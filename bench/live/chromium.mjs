/**
 * Headless Chromium for the browser benchmarks, found as examples/e2e/src/browser.ts finds it for
 * the tests (that file is TypeScript; the logic is small): CHROMIUM_PATH, else Debian's
 * /usr/bin/chromium, else the binary @sparticuz/chromium ships in its npm tarball, unpacked once
 * into node_modules/.cache/strapi-live. Never a browser downloaded at run time.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createBrotliDecompress } from 'node:zlib';
import { chromium } from 'playwright-core';

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const CACHE_DIR = path.join(rootDir, 'node_modules', '.cache', 'strapi-live');
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

async function resolveChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, which does not exist`);
    return { executablePath: fromEnv, source: 'CHROMIUM_PATH' };
  }
  if (existsSync(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, source: 'system' };
  const entry = fileURLToPath(import.meta.resolve('@sparticuz/chromium'));
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const target = path.join(CACHE_DIR, `chromium-${version}`);
  if (!existsSync(target)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    await pipeline(createReadStream(path.join(packageDir, 'bin', 'chromium.br')), createBrotliDecompress(), createWriteStream(partial, { mode: 0o755 }));
    renameSync(partial, target);
  }
  return { executablePath: target, source: '@sparticuz/chromium' };
}

/** Launches headless Chromium; `args` are added to the usual flags. Resolves with the browser and where it came from. */
export async function launchChromium({ args = [] } = {}) {
  const { executablePath, source } = await resolveChromium();
  try {
    const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, ...args], timeout: 30_000 });
    return { browser, source };
  } catch (error) {
    throw new Error(`Could not launch Chromium from ${executablePath} (${source}): ${error.message}`, { cause: error });
  }
}
