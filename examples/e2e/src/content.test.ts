/**
 * What the example pages show besides the article titles, against the real example app: each card's
 * category and author (with avatar), the pages of the chosen locale, the announcement banner and the
 * homepage headline, all kept live while an editor works in the admin (the content manager's admin
 * API, see admin-editor.ts). Each test puts the content back as the seed had it, so every page
 * starts from the same state.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bootExampleApp } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';
import { loginAsEditor } from './admin-editor';
import type { Editor } from './admin-editor';
import { EXAMPLE_PAGES, assertPrerequisites, collectErrors, launchChromium } from './harness';
import { recordSocketEvents } from './socket-log';
import type { SocketLog } from './socket-log';

const CATEGORY = 'api::category.category';
const AUTHOR = 'api::author.author';
const PAGE = 'api::page.page';
const HOMEPAGE = 'api::homepage.homepage';
const ANNOUNCEMENT = 'api::announcement.announcement';
const WAIT = { timeout: 10_000, interval: 50 };

/** The seed's published articles, by title (the pages' default order), as their cards show them. */
const SEEDED_CARDS = [
  { title: 'Live collections in React', category: 'Tutorials', author: 'Grace Hopper', avatar: '/media/avatar-grace.svg' },
  { title: 'Live collections in Vue', category: 'Tutorials', author: 'Grace Hopper', avatar: '/media/avatar-grace.svg' },
  { title: 'Release notes 0.1', category: 'Releases', author: 'Alan Turing', avatar: '/media/avatar-alan.svg' },
  { title: 'Strapi goes real-time', category: 'News', author: 'Ada Lovelace', avatar: '/media/avatar-ada.svg' },
];

/** The seed's published page titles per locale ('about' is a draft in German). */
const PAGE_TITLES = { en: ['About', 'Welcome'], fr: ['Bienvenue', 'À propos'], de: ['Willkommen'] };

const SEEDED_ANNOUNCEMENT = { message: 'Live updates are on: edit this banner in the admin and watch it change.', level: 'info', active: true };
const HEADLINES = { en: 'Welcome to the live example', fr: "Bienvenue dans l'exemple en direct", de: 'Willkommen beim Live-Beispiel' };

let app: ExampleApp;
let browser: Browser;
let editor: Editor;
/** documentIds and media ids of the seed, by slug or name. */
const ids = { category: new Map<string, string>(), author: new Map<string, string>(), page: new Map<string, string>(), media: new Map<string, number>() };

beforeAll(async () => {
  assertPrerequisites();
  [app, browser] = await Promise.all([bootExampleApp(), launchChromium()]);
  editor = await loginAsEditor(app.strapi, app.url);
  const { strapi } = app;
  for (const { slug, documentId } of await strapi.documents(CATEGORY).findMany({ fields: ['slug'] })) ids.category.set(slug!, documentId);
  for (const { name, documentId } of await strapi.documents(AUTHOR).findMany({ fields: ['name'] })) ids.author.set(name, documentId);
  for (const { slug, documentId } of await strapi.documents(PAGE).findMany({ fields: ['slug'] })) ids.page.set(slug!, documentId);
  const files = (await strapi.db.query('plugin::upload.file').findMany({ select: ['id', 'name'] })) as { id: number; name: string }[];
  for (const file of files) ids.media.set(file.name, file.id);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const id = <T>(map: Map<string, T>, key: string): T => map.get(key) ?? expect.fail(`the seed has no ${key}`);

/** Each card as the reader sees it (the avatar by its path on the server). */
const cards = (page: Page) =>
  page.getByTestId('article').evaluateAll((items) =>
    items.map((item) => {
      const text = (testId: string) => item.querySelector(`[data-testid="${testId}"]`)?.textContent?.trim() ?? null;
      const avatar = item.querySelector<HTMLImageElement>('[data-testid="article-avatar"]');
      return { title: text('article-title'), category: text('article-category'), author: text('article-author'), avatar: avatar && new URL(avatar.src).pathname };
    }),
  );
/** Every avatar on the page was found and decoded (a missing image has no natural width). */
const avatarsLoaded = (page: Page) =>
  page.getByTestId('article-avatar').evaluateAll((images) => images.length > 0 && images.every((image) => (image as HTMLImageElement).naturalWidth > 0));
const pageTitles = (page: Page) => page.getByTestId('page-title').allTextContents();
const banners = (page: Page) =>
  page.getByTestId('announcement').evaluateAll((items) => items.map((item) => ({ message: item.textContent?.trim(), level: item.getAttribute('data-level') })));
const headlines = (page: Page) => page.getByTestId('homepage-headline').allTextContents();

describe.each(EXAMPLE_PAGES)('the $label page', ({ name }) => {
  let page: Page;
  let errors: string[];
  let socket: SocketLog;
  /** What puts the content back as the seed had it, run after each test even when it failed. */
  const restore: (() => Promise<unknown>)[] = [];
  /** The `subscribe` messages for `uid` the page sent since `from` (an index in the log). */
  const subscribesSince = (from: number, uid: string) =>
    socket.sent
      .slice(from)
      .filter((event) => event.name === 'subscribe' && (event.payload as { uid?: string }).uid === uid)
      .map((event) => event.payload);
  /** Events the page received whose content has `text`. */
  const receivedWith = (text: string) => socket.received.filter((event) => JSON.stringify(event.payload).includes(text));

  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
    errors = collectErrors(page);
    socket = recordSocketEvents(page);
    await page.goto(`${app.url}/${name}/`);
    // A marker that a reload would wipe: every change below must arrive without one.
    await page.evaluate(() => Object.assign(window, { __noReload: true }));
  });

  afterEach(async () => {
    for (const undo of restore.splice(0).reverse()) await undo();
    await app.strapi.$io.idle();
    expect(errors.splice(0), 'the page logged errors').toEqual([]);
  });

  afterAll(async () => {
    expect(await page.evaluate(() => (window as { __noReload?: boolean }).__noReload)).toBe(true);
    await page.close();
  });

  it('shows each article’s category and author with avatar, and follows a category renamed in the admin', async () => {
    await expect.poll(() => cards(page), WAIT).toEqual(SEEDED_CARDS);
    await expect.poll(() => avatarsLoaded(page), WAIT).toBe(true);

    const tutorials = id(ids.category, 'tutorials');
    restore.push(() => editor.save(CATEGORY, tutorials, { name: 'Tutorials' }));
    await editor.save(CATEGORY, tutorials, { name: `Guides (${name})` });
    await expect
      .poll(() => cards(page), WAIT)
      .toEqual(SEEDED_CARDS.map((card) => (card.category === 'Tutorials' ? { ...card, category: `Guides (${name})` } : card)));
    // The category filter is a live list of its own: it follows too.
    await expect.poll(() => page.getByTestId('category-select').locator('option').allTextContents(), WAIT).toContain(`Guides (${name})`);
  });

  it('follows an author renamed, then given another avatar, in the admin', async () => {
    await expect.poll(() => cards(page), WAIT).toEqual(SEEDED_CARDS);
    const ada = id(ids.author, 'Ada Lovelace');
    const adaAvatar = id(ids.media, 'avatar-ada.svg');
    restore.push(() => editor.publish(AUTHOR, ada, { name: 'Ada Lovelace', avatar: adaAvatar }));
    const isAda = (card: (typeof SEEDED_CARDS)[number]) => card.author === 'Ada Lovelace';

    await editor.publish(AUTHOR, ada, { name: `Ada King (${name})` });
    await expect.poll(() => cards(page), WAIT).toEqual(SEEDED_CARDS.map((card) => (isAda(card) ? { ...card, author: `Ada King (${name})` } : card)));

    // Another image picked from the media library.
    await editor.publish(AUTHOR, ada, { avatar: id(ids.media, 'avatar-alan.svg') });
    await expect
      .poll(() => cards(page), WAIT)
      .toEqual(SEEDED_CARDS.map((card) => (isAda(card) ? { ...card, author: `Ada King (${name})`, avatar: '/media/avatar-alan.svg' } : card)));
    await expect.poll(() => avatarsLoaded(page), WAIT).toBe(true);
  });

  it('lists the published pages of the chosen locale, live, and nothing of another locale', async () => {
    const switcher = page.getByTestId('locale-switcher');
    await switcher.selectOption('en');
    await expect.poll(() => pageTitles(page), WAIT).toEqual(PAGE_TITLES.en);
    await expect.poll(() => socket.upgraded, WAIT).toBe(true);

    // One subscription for the new locale, and the list changes in place.
    const sentBefore = socket.sent.length;
    await switcher.selectOption('fr');
    // The order of 'À' against 'B' is the database's collation: compared as a set.
    await expect.poll(async () => [...(await pageTitles(page))].sort(), WAIT).toEqual([...PAGE_TITLES.fr].sort());
    await expect.poll(() => page.getByTestId('page-list').getAttribute('data-live'), WAIT).toBe('true');
    // With what its reads populate, so that the server tells it when what they show changes.
    expect(subscribesSince(sentBefore, PAGE)).toEqual([{ uid: PAGE, locale: 'fr', populates: [{ links: true, cover: true }] }]);

    const welcome = id(ids.page, 'welcome');
    const about = id(ids.page, 'about');
    restore.push(() => editor.publish(PAGE, welcome, { title: 'Bienvenue' }, { locale: 'fr' }));
    restore.push(() => editor.publish(PAGE, about, { title: 'About' }, { locale: 'en' }));

    // Edited and published in French: shows up.
    await editor.publish(PAGE, welcome, { title: `Bienvenue (${name})` }, { locale: 'fr' });
    await expect.poll(async () => [...(await pageTitles(page))].sort(), WAIT).toEqual([`Bienvenue (${name})`, 'À propos'].sort());

    // Published in English, then once more in French: the French change arrives, the English one
    // never reached this page (events are per locale, in order on one connection).
    await editor.publish(PAGE, about, { title: `About (${name}, en)` }, { locale: 'en' });
    await editor.publish(PAGE, welcome, { title: `Bienvenue encore (${name})` }, { locale: 'fr' });
    await expect.poll(async () => [...(await pageTitles(page))].sort(), WAIT).toEqual([`Bienvenue encore (${name})`, 'À propos'].sort());
    expect(receivedWith(`Bienvenue encore (${name})`)).not.toEqual([]);
    expect(receivedWith(`About (${name}, en)`)).toEqual([]);

    // German: 'about' is still a draft there.
    await switcher.selectOption('de');
    await expect.poll(() => pageTitles(page), WAIT).toEqual(PAGE_TITLES.de);
    await switcher.selectOption('en');
    await expect.poll(() => pageTitles(page), WAIT).toEqual([`About (${name}, en)`, 'Welcome']);
  });

  it('shows the announcement as editors save it, and none while it is switched off or deleted', async () => {
    await expect.poll(() => banners(page), WAIT).toEqual([{ message: SEEDED_ANNOUNCEMENT.message, level: 'info' }]);
    restore.push(() => editor.saveSingle(ANNOUNCEMENT, SEEDED_ANNOUNCEMENT));

    await editor.saveSingle(ANNOUNCEMENT, { message: `Maintenance tonight (${name})`, level: 'warning' });
    await expect.poll(() => banners(page), WAIT).toEqual([{ message: `Maintenance tonight (${name})`, level: 'warning' }]);

    await editor.saveSingle(ANNOUNCEMENT, { active: false });
    await expect.poll(() => banners(page), WAIT).toEqual([]);
    await editor.saveSingle(ANNOUNCEMENT, { active: true });
    await expect.poll(() => banners(page), WAIT).toEqual([{ message: `Maintenance tonight (${name})`, level: 'warning' }]);

    // Deleted, then created again (another documentId): followed all the same.
    await editor.deleteSingle(ANNOUNCEMENT);
    await expect.poll(() => banners(page), WAIT).toEqual([]);
    await editor.saveSingle(ANNOUNCEMENT, { message: `Back again (${name})`, level: 'info', active: true });
    await expect.poll(() => banners(page), WAIT).toEqual([{ message: `Back again (${name})`, level: 'info' }]);
  });

  it('shows the homepage headline of the chosen locale, live, and nothing of another locale', async () => {
    const switcher = page.getByTestId('locale-switcher');
    await switcher.selectOption('en');
    await expect.poll(() => headlines(page), WAIT).toEqual([HEADLINES.en]);
    await expect.poll(() => socket.upgraded, WAIT).toBe(true);

    const sentBefore = socket.sent.length;
    await switcher.selectOption('fr');
    await expect.poll(() => headlines(page), WAIT).toEqual([HEADLINES.fr]);
    expect(subscribesSince(sentBefore, HOMEPAGE)).toEqual([{ uid: HOMEPAGE, locale: 'fr' }]);

    restore.push(() => editor.publishSingle(HOMEPAGE, { headline: HEADLINES.fr }, { locale: 'fr' }));
    restore.push(() => editor.publishSingle(HOMEPAGE, { headline: HEADLINES.en }, { locale: 'en' }));
    await editor.publishSingle(HOMEPAGE, { headline: `Bonjour (${name})` }, { locale: 'fr' });
    await expect.poll(() => headlines(page), WAIT).toEqual([`Bonjour (${name})`]);

    // English, then French again: as for pages, the English change never reaches this page.
    await editor.publishSingle(HOMEPAGE, { headline: `Hello (${name})` }, { locale: 'en' });
    await editor.publishSingle(HOMEPAGE, { headline: `Bonjour encore (${name})` }, { locale: 'fr' });
    await expect.poll(() => headlines(page), WAIT).toEqual([`Bonjour encore (${name})`]);
    expect(receivedWith(`Bonjour encore (${name})`)).not.toEqual([]);
    expect(receivedWith(`Hello (${name})`)).toEqual([]);

    await switcher.selectOption('de');
    await expect.poll(() => headlines(page), WAIT).toEqual([HEADLINES.de]);
    await switcher.selectOption('en');
    await expect.poll(() => headlines(page), WAIT).toEqual([`Hello (${name})`]);
  });
});
