import type { Browser } from 'playwright-core';

export interface ResolvedBrowser {
  executablePath: string;
  /** Where it came from, printed so a failing run says which browser it used. */
  source: 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';
}

/** `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`, else the one `@sparticuz/chromium` ships (see browser.mjs). */
export function resolveChromium(): Promise<ResolvedBrowser>;

/** Headless Chromium with the project's flags, and `args` after them. */
export function launchChromium(options?: { args?: string[] }): Promise<Browser>;
