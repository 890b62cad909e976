/**
 * The three example pages in headless Chromium against the real example app: Strapi serves the
 * built pages from its public folder (as in `npm start`), so a page and the API share an origin.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bootExampleApp, createApiToken } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';
import { EXAMPLE_PAGES, assertPrerequisites, collectErrors, createWriter, launchChromium, maybeScreenshot } from './harness';
import type { Writer } from './harness';

/** The seed's published articles by title; the draft "Draft: what comes next" must never show. */
const SEEDED = {
  news: ['Strapi goes real-time'],
  tutorials: ['Live collections in React', 'Live collections in Vue'],
  releases: ['Release notes 0.1'],
};
const ALL_SEEDED = [...SEEDED.news, ...SEEDED.tutorials, ...SEEDED.releases].sort();
const WAIT = { timeout: 10_000, interval: 50 };

let app: ExampleApp;
let browser: Browser;
let writer: Writer;

beforeAll(async () => {
  assertPrerequisites();
  [app, browser] = await Promise.all([bootExampleApp(), launchChromium()]);
  const { accessKey } = await createApiToken(app.strapi, 'full-access');
  const categories = await app.strapi.documents('api::category.category').findMany({ fields: ['slug'] });
  writer = createWriter(app.strapi, app.url, accessKey, new Map(categories.map((c) => [c.slug as string, c.documentId])));
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const titles = (page: Page) => page.getByTestId('article-title').allTextContents();
const updatedAts = (page: Page) => page.locator('[data-testid="article"] time').evaluateAll((times) => times.map((time) => time.getAttribute('datetime') ?? ''));
const isNewestFirst = (dates: string[]) => dates.length > 0 && dates.every((date, index) => index === 0 || Date.parse(dates[index - 1]!) >= Date.parse(date));

describe.each(EXAMPLE_PAGES)('the $label page', ({ name }) => {
  let page: Page;
  let errors: string[];
  let sockets = 0;

  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 900, height: 900 } });
    errors = collectErrors(page);
    page.on('websocket', (socket) => {
      if (socket.url().includes('/socket.io/')) sockets += 1;
    });
    await page.goto(`${app.url}/${name}/`);
    // A marker that a reload would wipe: every change below must arrive without one.
    await page.evaluate(() => Object.assign(window, { __noReload: true }));
  });

  afterEach(async () => {
    await writer.cleanUp();
    expect(errors.splice(0), 'the page logged errors').toEqual([]);
  });

  afterAll(async () => {
    expect(await page.evaluate(() => (window as { __noReload?: boolean }).__noReload)).toBe(true);
    await page.close();
  });

  it('shows the published articles by title, never a draft, and says it is connected', async () => {
    await expect.poll(() => titles(page), WAIT).toEqual(ALL_SEEDED);
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-status'), WAIT).toBe('connected');
    await expect.poll(() => page.getByTestId('article-list').getAttribute('data-live'), WAIT).toBe('true');
    expect(await page.getByTestId('strapi-url').textContent()).toBe(app.url);
    expect(await page.getByTestId('article-category').allTextContents()).toEqual(['Tutorials', 'Tutorials', 'Releases', 'News']);
    expect(await page.content()).not.toContain('Editors only');
    expect(sockets, 'Socket.IO connections the page opened').toBe(1);
    await maybeScreenshot(page, name);
  });

  it('shows an article created over REST without a reload, and removes it when it is unpublished', async () => {
    const article = await writer.create({ title: `A live ${name} article`, category: 'news' });
    await expect.poll(() => titles(page), WAIT).toEqual([`A live ${name} article`, ...ALL_SEEDED]);

    await writer.update(article.documentId, { title: `Zz renamed ${name} article` });
    await expect.poll(() => titles(page), WAIT).toEqual([...ALL_SEEDED, `Zz renamed ${name} article`]);

    await writer.unpublish(article.documentId);
    await expect.poll(() => titles(page), WAIT).toEqual(ALL_SEEDED);
  });

  it('filters by category, and keeps the filtered list live as articles enter and leave it', async () => {
    const select = page.getByTestId('category-select');
    await select.selectOption('tutorials');
    await expect.poll(() => titles(page), WAIT).toEqual(SEEDED.tutorials);
    await expect.poll(() => page.getByTestId('article-list').getAttribute('data-live'), WAIT).toBe('true');

    const news = await writer.create({ title: `Another ${name} news item`, category: 'news' });
    const tutorial = await writer.create({ title: `Live tutorial for ${name}`, category: 'tutorials' });
    await expect.poll(() => titles(page), WAIT).toEqual([...SEEDED.tutorials, `Live tutorial for ${name}`]);

    // Moved into the filter: enters; moved out of it: leaves.
    await writer.update(news.documentId, { category: 'tutorials' });
    await expect.poll(() => titles(page), WAIT).toEqual([`Another ${name} news item`, ...SEEDED.tutorials, `Live tutorial for ${name}`]);
    await writer.update(tutorial.documentId, { category: 'releases' });
    await expect.poll(() => titles(page), WAIT).toEqual([`Another ${name} news item`, ...SEEDED.tutorials]);

    await select.selectOption('releases');
    await expect.poll(() => titles(page), WAIT).toEqual([`Live tutorial for ${name}`, ...SEEDED.releases]);
    expect(new Set(await page.getByTestId('article-category').allTextContents())).toEqual(new Set(['Releases']));

    await select.selectOption('');
    await expect.poll(() => titles(page), WAIT).toEqual([`Another ${name} news item`, `Live tutorial for ${name}`, ...ALL_SEEDED].sort());
  });

  it('sorts by last update, and moves an edited article to the top', async () => {
    await page.getByTestId('category-select').selectOption('');
    await page.getByTestId('sort-select').selectOption('updatedAt');
    await expect.poll(async () => isNewestFirst(await updatedAts(page)), WAIT).toBe(true);
    await expect.poll(() => page.getByTestId('article-list').getAttribute('data-live'), WAIT).toBe('true');
    expect([...(await titles(page))].sort()).toEqual(ALL_SEEDED);

    const older = await writer.create({ title: `Sorted ${name} one`, category: 'releases' });
    await expect.poll(async () => (await titles(page))[0], WAIT).toBe(`Sorted ${name} one`);
    const newer = await writer.create({ title: `Sorted ${name} two`, category: 'news' });
    await expect.poll(async () => (await titles(page)).slice(0, 2), WAIT).toEqual([`Sorted ${name} two`, `Sorted ${name} one`]);

    await writer.update(older.documentId, { body: `Edited while the ${name} page watched.` });
    await expect.poll(async () => (await titles(page)).slice(0, 2), WAIT).toEqual([`Sorted ${name} one`, `Sorted ${name} two`]);
    expect(await page.getByText(`Edited while the ${name} page watched.`).count()).toBe(1);
    expect(isNewestFirst(await updatedAts(page))).toBe(true);
    expect([...(await titles(page))].sort()).toEqual([...ALL_SEEDED, `Sorted ${name} one`, `Sorted ${name} two`].sort());

    await writer.unpublish(older.documentId);
    await writer.unpublish(newer.documentId);
    await expect.poll(async () => [...(await titles(page))].sort(), WAIT).toEqual(ALL_SEEDED);
    await page.getByTestId('sort-select').selectOption('title');
    await expect.poll(() => titles(page), WAIT).toEqual(ALL_SEEDED);
  });
});
