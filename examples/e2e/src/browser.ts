import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

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

export interface ResolvedBrowser {
  executablePath: string;
  /** Where it came from, printed so a failing run says which browser it used. */
  source: 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';
}

/**
 * Never a browser downloaded at install or run time: `CHROMIUM_PATH`, else Debian's
 * `/usr/bin/chromium`, else the headless Chromium that `@sparticuz/chromium` ships inside its npm
 * tarball (a devDependency; it unpacks into the system temp folder on first use), so `npm test`
 * passes on a fresh clone with no apt step.
 */
export async function resolveChromium(): Promise<ResolvedBrowser> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, which does not exist`);
    return { executablePath: fromEnv, source: 'CHROMIUM_PATH' };
  }
  if (existsSync(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, source: 'system' };
  const { default: packaged } = await import('@sparticuz/chromium');
  return { executablePath: await packaged.executablePath(), source: '@sparticuz/chromium' };
}

export async function launchChromium(): Promise<Browser> {
  const { executablePath, source } = await resolveChromium();
  try {
    return await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 30_000 });
  } catch (error) {
    throw new Error(`Could not launch Chromium from ${executablePath} (${source}): ${(error as Error).message}`, { cause: error });
  }
}
