/**
 * A page on another origin than Strapi's, which the app's `strapi::cors` (and so the plugin's
 * Socket.IO, which follows it) does not allow: in a real browser (Node's socket.io-client does not enforce CORS), the live list says why
 * it has nothing, naming the page's origin and the two CORS settings, instead of loading forever.
 *
 * The built vanilla page is served by a plain static server (as an app's own server would, without
 * the Content-Security-Policy Strapi puts on the pages it serves) at http://127.0.0.1:<other port>
 * and pointed (`?api=`) at the app, which allows only http://allowed.example (its `CLIENT_URL`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { bootExampleApp } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';
import { PUBLIC_DIR, launchChromium } from './harness';

const WAIT = { timeout: 15_000, interval: 100 };
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** Serves the built pages (PUBLIC_DIR) on an ephemeral port; resolves with its origin. */
function servePages(): Promise<{ origin: string; server: Server }> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = path.join(PUBLIC_DIR, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
    if (!file.startsWith(PUBLIC_DIR) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }));
  });
}

let app: ExampleApp;
let browser: Browser;
let pages: { origin: string; server: Server };

beforeAll(async () => {
  if (!existsSync(path.join(PUBLIC_DIR, 'vanilla', 'index.html'))) {
    throw new Error(`The vanilla example page is not built into ${PUBLIC_DIR}: run \`npm run build\` at the repository root.`);
  }
  [app, browser, pages] = await Promise.all([bootExampleApp({ env: { CLIENT_URL: 'http://allowed.example' } }), launchChromium(), servePages()]);
});

afterAll(async () => {
  await browser?.close();
  pages?.server.close();
  await app?.stop();
});

describe('a page on an origin the server does not allow', () => {
  it('shows a connection error that names its origin and the CORS settings to change, and keeps trying', async () => {
    const page = await browser.newPage();
    const messages: string[] = [];
    page.on('console', (entry) => messages.push(entry.text()));
    // What reached the server: Socket.IO handshakes, by the Origin they came from.
    const handshakes: (string | undefined)[] = [];
    app.strapi.$io.server.engine.on('initial_headers', (_headers: unknown, request: { headers: { origin?: string } }) => handshakes.push(request.headers.origin));
    await page.goto(`${pages.origin}/vanilla/?api=${encodeURIComponent(app.url)}`);

    const state = page.getByTestId('list-state');
    await expect.poll(() => state.getAttribute('data-state'), WAIT).toBe('error');
    const message = await state.textContent();
    expect(message).toContain(`Could not connect to the Strapi server at ${app.url}`);
    expect(message).toContain('xhr poll error');
    expect(message).toContain(`This page's origin, ${pages.origin}, is not the server's`);
    expect(message).toContain('`strapi::cors`');
    expect(message).toContain('`socket.serverOptions.cors`');
    expect(message).toContain('Still trying in the background');
    expect(await page.getByTestId('connection-status').getAttribute('data-status')).toBe('connecting');
    // The server answered and the browser refused the answer: CORS, not a server that is down.
    expect(handshakes).toContain(pages.origin);
    await expect.poll(() => messages.some((text) => text.includes(`from origin '${pages.origin}' has been blocked by CORS policy`)), WAIT).toBe(true);
    await page.close();
  });

  it('connects from the server’s own origin (the server is reachable: only the origin was refused)', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/vanilla/`);
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-status'), WAIT).toBe('connected');
    await expect.poll(() => page.getByTestId('article-title').count(), WAIT).toBeGreaterThan(0);
    await page.close();
  });
});
