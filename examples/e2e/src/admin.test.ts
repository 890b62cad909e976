/**
 * The plugin's admin panel in headless Chromium against the real example app, with its admin panel
 * built (`strapi build`, once: see ensureAdminBuilt) and served: the first administrator registers,
 * changes what the plugin sends on Settings → Socket.IO and a connected client notices without a
 * restart; the monitoring page and the home widget follow connections and events live; an editor
 * without the monitoring permission is kept out. Screenshots of the three screens land in
 * examples/e2e/artifacts/admin/ (and, when missing or with UPDATE_ADMIN_SCREENSHOTS=1, in docs/admin/).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { bootExampleApp, connect, contentEvents, createApiToken, createUser, ensureAdminBuilt, record, settle } from 'example-strapi-app/testing';
import type { ExampleApp, Received } from 'example-strapi-app/testing';
import { loginAsEditor } from './admin-editor';
import type { Editor } from './admin-editor';
import { ARTICLE_UID, launchChromium } from './harness';

const WAIT = { timeout: 15_000, interval: 100 };
const ADMIN = { firstname: 'Ada', lastname: 'Admin', email: 'ada.admin@example.com', password: 'Admin-password-1' };
const EDITOR = { email: 'eve.editor@example.com', password: 'Editor-password-1' };

/** Where the screenshots go: CI keeps this folder as an artifact (README, "Admin panel"). */
const ARTIFACTS_DIR = path.resolve(import.meta.dirname, '../artifacts/admin');
/** The committed copies the README shows. */
const DOCS_DIR = path.resolve(import.meta.dirname, '../../../docs/admin');

let app: ExampleApp;
let browser: Browser;
let context: BrowserContext;
/** The first administrator's tab, kept across the tests (registered in the first one). */
let page: Page;
/** Uncaught errors of the admin's pages: none is expected. */
const pageErrors: string[] = [];
/** Writes articles through the content manager's admin API, as an editor's Publish does. */
let editor: Editor;
let articleId: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  // Built here only when missing or stale (a fresh clone's first run, or a changed plugin admin).
  const build = await ensureAdminBuilt();
  console.log(build.built ? `admin panel built in ${build.seconds} s (${build.reason})` : 'admin panel already built (dist/build is current)');
  [app, browser] = await Promise.all([bootExampleApp({ serveAdminPanel: true }), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const [article] = await app.strapi.documents(ARTICLE_UID).findMany({ filters: { title: 'Strapi goes real-time' }, status: 'published' });
  articleId = article!.documentId;
}, 600_000);

afterEach(() => {
  expect(pageErrors.splice(0), 'the admin threw').toEqual([]);
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await browser?.close();
  await app?.stop();
});

/** A socket.io-client, of the example's Public role unless given credentials; closed after the file. */
async function publicClient(auth?: { strategy: 'jwt' | 'api-token'; token: string }): Promise<{ socket: Socket; received: Received[] }> {
  const socket = await connect(app.url, auth ? { auth } : {});
  sockets.push(socket);
  return { socket, received: record(socket) };
}

const articleUpdates = (received: Received[]) => contentEvents(received).filter(({ event }) => event === 'article:update');

/** Publishes the article with a new title, as an editor's Publish in the content manager does. */
async function publishArticle(title: string): Promise<void> {
  await editor.publish(ARTICLE_UID, articleId, { title });
  await app.strapi.$io.idle();
}

/** Strapi's "new Media Library" banner, dismissed once (it remembers), so the screenshots show the plugin. */
async function dismissAnnouncement(target: Page): Promise<void> {
  const banner = target.getByText('Introducing the new Media Library');
  await expect.poll(() => banner.count(), { timeout: 5_000, interval: 100 }).toBeGreaterThan(0).catch(() => undefined);
  if ((await banner.count()) > 0) await target.getByRole('button', { name: 'Close' }).first().click();
}

/**
 * One picture of the whole screen. Strapi's admin scrolls inside its layout, not the document, so a
 * full-page screenshot would stop at the window: the window grows to the content for the picture.
 */
async function screenshot(target: Page, name: string): Promise<void> {
  const viewport = target.viewportSize()!;
  const overflow = await target.evaluate(() =>
    Math.max(
      0,
      ...Array.from(document.querySelectorAll<HTMLElement>('body *'))
        .filter((element) => ['auto', 'scroll'].includes(getComputedStyle(element).overflowY))
        .map((element) => element.scrollHeight - element.clientHeight),
    ),
  );
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await target.setViewportSize({ width: viewport.width, height: viewport.height + overflow });
  try {
    await target.screenshot({ path: file });
  } finally {
    await target.setViewportSize(viewport);
  }
  const committed = path.join(DOCS_DIR, `${name}.png`);
  if (process.env.UPDATE_ADMIN_SCREENSHOTS === '1' || !existsSync(committed)) {
    mkdirSync(DOCS_DIR, { recursive: true });
    copyFileSync(file, committed);
  }
}

/** Clicks Save and waits for the server's answer to it; resolves with its status. */
async function saveSettings(): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((response) => new URL(response.url()).pathname === '/io/settings' && response.request().method() === 'PUT', WAIT),
    page.getByRole('button', { name: 'Save' }).click(),
  ]);
  return response.status();
}

const storedSettings = () => app.strapi.store({ type: 'plugin', name: 'io' }).get({ key: 'settings' });

describe('the admin panel of the io plugin', () => {
  it('lets the first administrator register and open Settings → Socket.IO from the settings menu', async () => {
    await page.goto(`${app.url}/admin`);
    await page.waitForURL('**/admin/auth/register-admin');
    await page.locator('input[name="firstname"]').fill(ADMIN.firstname);
    await page.locator('input[name="lastname"]').fill(ADMIN.lastname);
    await page.locator('input[name="email"]').fill(ADMIN.email);
    await page.locator('input[name="password"]').fill(ADMIN.password);
    await page.locator('input[name="confirmPassword"]').fill(ADMIN.password);
    await page.getByRole('button', { name: /let's start/i }).click();
    await page.waitForURL((url) => !url.pathname.includes('/auth/'), WAIT);
    await dismissAnnouncement(page);
    // The admin's content writes below come from a second super admin (created now that one exists).
    editor = await loginAsEditor(app.strapi, app.url);

    await page.goto(`${app.url}/admin/settings`);
    // Under its own "Socket.IO" heading (the Email plugin has a "Configuration" link too).
    await page.locator('a[href$="/admin/settings/io"]').getByText('Configuration').click();
    await page.waitForURL('**/admin/settings/io');
    const article = page.locator('tr[data-uid="api::article.article"]');
    await expect.poll(() => article.getByRole('checkbox', { name: 'update' }).getAttribute('aria-checked'), WAIT).toBe('true');
    // The example's file config is the source of everything until the page saves something.
    expect(await article.locator('[data-source]').getAttribute('data-source')).toBe('file');
    await expect.poll(() => page.getByTestId('io-settings-restart-required').textContent(), WAIT).toContain('socket.serverOptions');
    await screenshot(page, 'settings');
  });

  it('refuses a populate the server rejects, with the error on the field, and saves nothing', async () => {
    const before = await storedSettings();
    const populate = page.locator('tr[data-uid="api::article.article"]').getByRole('textbox', { name: 'Populate for Article' });

    // Not JSON: caught in the browser, nothing sent.
    await populate.fill('["category", ');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => populate.getAttribute('aria-invalid'), WAIT).toBe('true');
    await expect.poll(() => page.locator('tr[data-uid="api::article.article"]').textContent(), WAIT).toContain('Not valid JSON');

    // JSON naming a relation articles do not have: the server's 400 lands on the same field.
    await populate.fill('["category", "nope"]');
    expect(await saveSettings()).toBe(400);
    await expect.poll(() => page.locator('tr[data-uid="api::article.article"]').textContent(), WAIT).toMatch(/nope/);
    expect(await populate.getAttribute('aria-invalid')).toBe('true');
    expect(await storedSettings()).toEqual(before);
    await page.reload();
  });

  it('turns article update events off and on again, and a connected client follows without a restart', async () => {
    const { socket, received } = await publicClient();
    const socketId = socket.id;
    await publishArticle('Strapi goes real-time (before)');
    await settle(app.strapi, socket);
    expect(articleUpdates(received)).toHaveLength(1);

    const article = page.locator('tr[data-uid="api::article.article"]');
    const update = article.getByRole('checkbox', { name: 'update' });
    await expect.poll(() => update.getAttribute('aria-checked'), WAIT).toBe('true');
    await update.click();
    expect(await saveSettings()).toBe(200);
    await expect.poll(() => page.getByText('Saved. Applied without a restart.').count(), WAIT).toBeGreaterThan(0);
    await expect.poll(() => article.locator('[data-source]').getAttribute('data-source'), WAIT).toBe('admin');

    // The same socket, never reconnected: no update event while they are off...
    await publishArticle('Strapi goes real-time (off)');
    await settle(app.strapi, socket);
    expect(articleUpdates(received)).toHaveLength(1);

    // ...and again once they are back on.
    await update.click();
    expect(await saveSettings()).toBe(200);
    await expect.poll(() => update.getAttribute('aria-checked'), WAIT).toBe('true');
    await publishArticle('Strapi goes real-time (on)');
    await settle(app.strapi, socket);
    expect(articleUpdates(received).map(({ args }) => (args[0] as { title: string }).title)).toEqual([
      'Strapi goes real-time (before)',
      'Strapi goes real-time (on)',
    ]);
    // One connection all along: no restart, no reconnect.
    expect(socket.connected).toBe(true);
    expect(socket.id).toBe(socketId);
  });

  it('shows connections and content events live on the monitoring page, opened from the main menu', async () => {
    await page.goto(`${app.url}/admin`);
    await page.getByRole('link', { name: 'Socket.IO' }).first().click();
    await page.waitForURL('**/admin/plugins/io');
    const count = page.getByTestId('io-connection-count');
    await expect.poll(() => page.getByTestId('io-channel-status').getAttribute('data-status'), WAIT).toBe('live');
    const before = Number(await count.textContent());

    // A client connects: counted and listed at once.
    const { socket } = await publicClient();
    await expect.poll(async () => Number(await count.textContent()), WAIT).toBe(before + 1);
    await expect.poll(() => page.locator(`tr[data-socket-id="${socket.id}"]`).count(), WAIT).toBe(1);
    expect(await page.locator(`tr[data-socket-id="${socket.id}"]`).textContent()).toContain('Public');
    // A users-permissions user and an API token, each shown as who they are.
    const user = await createUser(app.strapi);
    const token = await createApiToken(app.strapi, 'read-only');
    const { socket: userSocket } = await publicClient({ strategy: 'jwt', token: user.jwt });
    const { socket: tokenSocket } = await publicClient({ strategy: 'api-token', token: token.accessKey });
    await expect.poll(async () => Number(await count.textContent()), WAIT).toBe(before + 3);
    await expect.poll(() => page.locator(`tr[data-socket-id="${userSocket.id}"]`).textContent(), WAIT).toMatch(/User\s*user/);
    await expect.poll(() => page.locator(`tr[data-socket-id="${tokenSocket.id}"]`).textContent(), WAIT).toMatch(/API token\s*token/);

    // An article is published: one line in the event log, with how many sockets received it.
    await publishArticle('Strapi goes real-time (monitored)');
    const logged = page.locator(`[data-testid="io-event-log"] tr[data-document-id="${articleId}"][data-action="update"]`).first();
    await expect.poll(() => logged.count(), WAIT).toBe(1);
    expect(Number(await logged.getByTestId('io-event-recipients').textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('io-event-log').textContent()).not.toContain('Strapi goes real-time (monitored)');

    // The CSV export lists it (downloaded with the admin's session).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/id/i);
    expect(csv).toContain(socket.id);
    await screenshot(page, 'monitoring');

    // Disconnected from the page: the client is closed by the server and leaves the list.
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await page.locator(`tr[data-socket-id="${socket.id}"]`).getByRole('button', { name: /^Disconnect/ }).click();
    expect(await closed).toBe('io server disconnect');
    await expect.poll(async () => Number(await count.textContent()), WAIT).toBe(before + 2);
    await expect.poll(() => page.locator(`tr[data-socket-id="${socket.id}"]`).count(), WAIT).toBe(0);
  });

  it('shows live numbers in the home page widget', async () => {
    await page.goto(`${app.url}/admin`);
    const widget = page.getByTestId('io-widget');
    const connections = widget.getByTestId('io-widget-connections');
    await expect.poll(() => widget.getByTestId('io-channel-status').getAttribute('data-status'), WAIT).toBe('live');
    const before = Number(await connections.textContent());
    await publicClient();
    await publicClient();
    await expect.poll(async () => Number(await connections.textContent()), WAIT).toBe(before + 2);
    // Content events count here too: a burst of publishes shows as events per second.
    for (let index = 0; index < 5; index += 1) await publishArticle(`Strapi goes real-time (${index})`);
    await expect.poll(async () => Number(await widget.getByTestId('io-widget-events-per-second').textContent()), WAIT).toBeGreaterThan(0);
    await expect.poll(async () => Number(await widget.getByTestId('io-widget-events-total').textContent()), WAIT).toBeGreaterThanOrEqual(5);
    await screenshot(page, 'home-widget');
    // Strapi's widget frame links to the monitoring page.
    await page.getByRole('link', { name: 'Open monitoring' }).click();
    await page.waitForURL('**/admin/plugins/io', WAIT);
  });

  it('keeps an editor without the monitoring permission out (no link, no page, no live channel), and shows settings read-only without the update permission', async () => {
    const editorRole = (await app.strapi.service('admin::role').findOne({ code: 'strapi-editor' })) as { id: number };
    await app.strapi.service('admin::user').create({
      firstname: 'Eve',
      lastname: 'Editor',
      ...EDITOR,
      registrationToken: null,
      isActive: true,
      roles: [editorRole.id],
    });
    const editorContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const editorPage = await editorContext.newPage();
      editorPage.on('pageerror', (error) => pageErrors.push(error.message));
      await editorPage.goto(`${app.url}/admin/auth/login`);
      await editorPage.locator('input[name="email"]').fill(EDITOR.email);
      await editorPage.locator('input[name="password"]').fill(EDITOR.password);
      await editorPage.getByRole('button', { name: 'Login' }).click();
      await editorPage.waitForURL((url) => !url.pathname.includes('/auth/'), WAIT);
      // The menu is there (the content manager), without the plugin's link; no widget either.
      await expect.poll(() => editorPage.getByRole('link', { name: 'Content Manager' }).count(), WAIT).toBeGreaterThan(0);
      expect(await editorPage.getByRole('link', { name: 'Socket.IO' }).count()).toBe(0);
      expect(await editorPage.getByTestId('io-widget').count()).toBe(0);

      // Typing the URL: the page refuses, and nothing of it renders.
      await editorPage.goto(`${app.url}/admin/plugins/io`);
      await expect.poll(() => editorPage.getByText("You don't have the permissions to access that content").count(), WAIT).toBeGreaterThan(0);
      expect(await editorPage.getByTestId('io-connection-count').count()).toBe(0);
      await editorPage.goto(`${app.url}/admin/settings/io`);
      await expect.poll(() => editorPage.getByText("You don't have the permissions to access that content").count(), WAIT).toBeGreaterThan(0);

      // Granted reading the settings only: the page opens, read-only, without a Save button.
      await app.strapi.service('admin::role').addPermissions(editorRole.id, [{ action: 'plugin::io.settings.read', subject: null, properties: {}, conditions: [] }]);
      await editorPage.reload();
      const update = editorPage.locator('tr[data-uid="api::article.article"]').getByRole('checkbox', { name: 'update' });
      await expect.poll(() => update.getAttribute('aria-checked'), WAIT).toBe('true');
      expect(await update.isDisabled()).toBe(true);
      expect(await editorPage.getByRole('button', { name: 'Save' }).count()).toBe(0);
      expect(await editorPage.getByRole('link', { name: 'Socket.IO' }).count()).toBe(0);
    } finally {
      await editorContext.close();
    }

    // The server says the same to the editor's own admin session.
    const login = (await (
      await fetch(`${app.url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(EDITOR) })
    ).json()) as { data: { token: string } };
    const stats = await fetch(`${app.url}/io/monitoring/stats`, { headers: { authorization: `Bearer ${login.data.token}` } });
    expect(stats.status).toBe(403);
    const refused = await connect(`${app.url}/io-admin`, { auth: { token: login.data.token } }).then(
      (socket) => (socket.close(), null),
      (error: Error & { data?: { code?: string } }) => error.data?.code,
    );
    expect(refused).toBe('FORBIDDEN');
  });
});
