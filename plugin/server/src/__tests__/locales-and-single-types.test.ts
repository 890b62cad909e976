import { describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { useExampleApp, contentEvents, settle } from 'example-strapi-app/testing';
import type { ExampleApp, Listener, Received } from 'example-strapi-app/testing';

/**
 * DESIGN.md §2 for what real sites model: a localized draft & publish type (pages in en, fr, de),
 * a localized single type (homepage) and a plain single type (announcement). Every step checks
 * what a published-view reader (the seed's broadcast) and a draft-view subscriber of each locale
 * receive, locale by locale.
 */
const PAGE = 'api::page.page';
const HOMEPAGE = 'api::homepage.homepage';
const ANNOUNCEMENT = 'api::announcement.announcement';

const example = useExampleApp();
let app: ExampleApp;

/** `event@locale` of each content event, e.g. `page:create@fr`. */
const seen = (received: Received[]) =>
  contentEvents(received).map(({ event, args }) => `${event}@${(args[1] as { locale: string | null }).locale}`);

async function subscribe(socket: Socket, query: Record<string, unknown>): Promise<string> {
  const ack = (await socket.timeout(5000).emitWithAck('subscribe', query)) as { success: boolean; id: string; error?: unknown };
  expect(ack).toMatchObject({ success: true });
  return ack.id;
}

/** Runs a write and returns what each listener received for it (after every delivery settled). */
function stepper(listeners: Record<string, Listener>) {
  return async (write: () => Promise<unknown>): Promise<Record<string, string[]>> => {
    for (const { received } of Object.values(listeners)) received.length = 0;
    await write();
    await settle(app.strapi, ...Object.values(listeners).map(({ socket }) => socket));
    return Object.fromEntries(Object.entries(listeners).map(([name, { received }]) => [name, seen(received).sort()]));
  };
}

/** A published-view reader (the broadcast), and a draft-view subscriber of pages per locale. */
async function pageListeners(): Promise<{ published: Listener; drafts: Record<string, Listener> }> {
  const published = await example.listen();
  const drafts: Record<string, Listener> = {};
  for (const locale of ['en', 'fr', 'de']) {
    drafts[locale] = await example.listen();
    await subscribe(drafts[locale]!.socket, { uid: PAGE, status: 'draft', locale });
  }
  return { published, drafts };
}

async function rest<T = Record<string, unknown>>(path: string): Promise<{ status: number; data: T }> {
  const response = await fetch(`${example.app.url}${path}`);
  const body = (await response.json()) as { data: T };
  return { status: response.status, data: body.data };
}

describe('a localized draft & publish type, locale by locale', () => {
  it('follows DESIGN.md §2 per locale: create, update, publish one and all, unpublish, discard, delete one locale, delete all', async () => {
    app = example.app;
    const pages = app.strapi.documents(PAGE);
    const { published, drafts } = await pageListeners();
    const step = stepper({ published, ...drafts });
    const none = { published: [], en: [], fr: [], de: [] };

    let documentId = '';
    expect(await step(async () => ({ documentId } = await pages.create({ locale: 'en', data: { title: 'Locales', slug: 'locales' } })))).toEqual({
      ...none,
      en: ['page:create@en'],
    });
    expect(await step(() => pages.update({ documentId, locale: 'fr', data: { title: 'Les locales', slug: 'les-locales' } }))).toEqual({
      ...none,
      fr: ['page:create@fr'],
    });
    expect(await step(() => pages.publish({ documentId, locale: 'en' }))).toEqual({ ...none, published: ['page:create@en'], en: ['page:update@en'] });
    // Publishing every locale: one event per locale, each with its own meta.locale.
    expect(await step(() => pages.publish({ documentId, locale: '*' }))).toEqual({
      ...none,
      published: ['page:create@fr', 'page:update@en'],
      en: ['page:update@en'],
      fr: ['page:update@fr'],
    });
    expect(await step(() => pages.update({ documentId, locale: 'fr', data: { title: 'Brouillon' } }))).toEqual({ ...none, fr: ['page:update@fr'] });
    expect(await step(() => pages.discardDraft({ documentId, locale: 'fr' }))).toEqual({ ...none, fr: ['page:update@fr'] });
    expect(await step(() => pages.unpublish({ documentId, locale: 'fr' }))).toEqual({ ...none, published: ['page:delete@fr'], fr: ['page:update@fr'] });
    await step(() => pages.publish({ documentId, locale: 'fr' }));
    await step(() => pages.update({ documentId, locale: 'de', data: { title: 'Die Locales', slug: 'die-locales' }, status: 'published' }));
    // One locale deleted alone: a delete of that locale only.
    expect(await step(() => pages.delete({ documentId, locale: 'fr' }))).toEqual({ ...none, published: ['page:delete@fr'], fr: ['page:delete@fr'] });
    expect((await rest(`/api/pages/${documentId}?locale=en`)).status).toBe(200);
    // Every locale deleted: one delete per locale left.
    expect(await step(() => pages.delete({ documentId, locale: '*' }))).toEqual({
      ...none,
      published: ['page:delete@de', 'page:delete@en'],
      en: ['page:delete@en'],
      de: ['page:delete@de'],
    });
  });

  it('sends each locale as REST returns that locale, and deletes as { documentId, locale }', async () => {
    const pages = app.strapi.documents(PAGE);
    const { socket, received } = await example.listen();
    const { documentId } = await pages.create({ locale: 'en', data: { title: 'Hello', slug: 'hello' }, status: 'published' });
    await pages.update({ documentId, locale: 'de', data: { title: 'Hallo', slug: 'hallo' }, status: 'published' });
    await pages.delete({ documentId, locale: 'de' });
    await settle(app.strapi, socket);
    const [createdEn, createdDe, deletedDe] = contentEvents(received);
    const populate = 'populate[links]=true&populate[sections][on][page.rich-text]=true&populate[sections][on][page.quote]=true&populate[cover]=true';
    expect(createdEn?.args[0]).toEqual((await rest(`/api/pages/${documentId}?locale=en&${populate}`)).data);
    expect(createdDe?.args[0]).toMatchObject({ documentId, locale: 'de', title: 'Hallo' });
    expect(createdDe?.args[1]).toMatchObject({ uid: PAGE, action: 'create', documentId, locale: 'de', status: 'published' });
    expect(deletedDe?.args[0]).toEqual({ documentId, locale: 'de' });
    expect(deletedDe?.args[1]).toMatchObject({ action: 'delete', locale: 'de' });
  });

  it('a locale-scoped collection subscription hears its locale only', async () => {
    const pages = app.strapi.documents(PAGE);
    const fr = await example.listen();
    await subscribe(fr.socket, { uid: PAGE, locale: 'fr' });
    const { documentId } = await pages.create({ locale: 'en', data: { title: 'Only en', slug: 'only-en' }, status: 'published' });
    await pages.update({ documentId, locale: 'fr', data: { title: 'Seulement fr', slug: 'seulement-fr' }, status: 'published' });
    await pages.update({ documentId, locale: 'en', data: { title: 'Only en 2' }, status: 'published' });
    await settle(app.strapi, fr.socket);
    expect(seen(fr.received)).toEqual(['page:create@fr']);
  });
});

describe("a localized type's shared (non-localized) field", () => {
  it('edited in one locale: every draft view hears of it; published: every published view, equal to REST', async () => {
    const pages = app.strapi.documents(PAGE);
    const { documentId } = await pages.create({ locale: 'en', data: { title: 'Shared', slug: 'shared' }, status: 'published' });
    await pages.update({ documentId, locale: 'fr', data: { title: 'Partagé', slug: 'partage' }, status: 'published' });
    await pages.update({ documentId, locale: 'de', data: { title: 'Geteilt', slug: 'geteilt' } });
    const { published, drafts } = await pageListeners();
    const step = stepper({ published, ...drafts });

    // i18n copies `featured` from the en draft to the fr and de drafts: each draft view changed.
    expect(await step(() => pages.update({ documentId, locale: 'en', data: { featured: true } }))).toEqual({
      published: [],
      en: ['page:update@en'],
      fr: ['page:update@fr'],
      de: ['page:update@de'],
    });
    const [frDraft] = contentEvents(drafts.fr!.received);
    expect(frDraft?.args[0]).toMatchObject({ locale: 'fr', featured: true, title: 'Partagé' });
    // An edit of a localized field only: the other locales did not change.
    expect(await step(() => pages.update({ documentId, locale: 'en', data: { title: 'Shared 2' } }))).toEqual({ published: [], en: ['page:update@en'], fr: [], de: [] });
    // Published in en: where i18n copies into the fr published version (in place), its readers hear
    // of it; where it does not (it compares with a row of the document that may already hold the
    // value), fr did not change. Either way the events follow what REST serves.
    const populate = 'populate[links]=true&populate[sections][on][page.rich-text]=true&populate[sections][on][page.quote]=true&populate[cover]=true';
    const frBefore = (await rest(`/api/pages/${documentId}?locale=fr&${populate}`)).data;
    const publishedEvents = await step(() => pages.publish({ documentId, locale: 'en' }));
    const frAfter = (await rest(`/api/pages/${documentId}?locale=fr&${populate}`)).data;
    const frChanged = JSON.stringify(frBefore) !== JSON.stringify(frAfter);
    expect(publishedEvents).toEqual({ published: frChanged ? ['page:update@en', 'page:update@fr'] : ['page:update@en'], en: ['page:update@en'], fr: [], de: [] });
    const fr = contentEvents(published.received).find(({ args }) => (args[1] as { locale: string }).locale === 'fr');
    if (frChanged) expect(fr?.args[0]).toEqual(frAfter);
    // Published in fr: its published version takes the shared value, and its readers hear of it.
    published.received.length = 0;
    await pages.publish({ documentId, locale: 'fr' });
    await settle(app.strapi, published.socket);
    const [frPublished] = contentEvents(published.received);
    expect(frPublished?.args[0]).toEqual((await rest(`/api/pages/${documentId}?locale=fr&${populate}`)).data);
    expect(frPublished?.args[0]).toMatchObject({ featured: true });
  });
});

describe('single types', () => {
  it('a localized single type sends update per locale, delete and create when its entry goes and comes back', async () => {
    const homepage = app.strapi.documents(HOMEPAGE);
    const broadcast = await example.listen();
    const entity = await example.listen();
    // No id: a single type has one entry.
    const ack = await entity.socket.timeout(5000).emitWithAck('subscribe-entity', { uid: HOMEPAGE });
    const current = await homepage.findFirst({ locale: 'en' });
    expect(ack).toEqual({ success: true, uid: HOMEPAGE, documentId: current!.documentId });
    const step = stepper({ broadcast, entity });
    const documentId = current!.documentId;

    expect(await step(() => homepage.update({ documentId, locale: 'fr', data: { headline: 'Brouillon' } }))).toEqual({ broadcast: [], entity: [] });
    const both = (events: string[]) => ({ broadcast: events, entity: events });
    expect(await step(() => homepage.publish({ documentId, locale: 'fr' }))).toEqual(both(['homepage:update@fr']));
    expect((await rest('/api/homepage?locale=fr')).data).toMatchObject({ headline: 'Brouillon' });
    expect(await step(() => homepage.unpublish({ documentId, locale: 'de' }))).toEqual(both(['homepage:delete@de']));
    expect(await step(() => homepage.publish({ documentId, locale: 'de' }))).toEqual(both(['homepage:create@de']));
    expect(await step(() => homepage.delete({ documentId, locale: '*' }))).toEqual(both(['homepage:delete@de', 'homepage:delete@en', 'homepage:delete@fr']));
    expect((await rest('/api/homepage')).status).toBe(404);

    // Created again (another documentId): the id-less subscription follows the type.
    broadcast.received.length = 0;
    entity.received.length = 0;
    const again = await homepage.create({ locale: 'en', data: { headline: 'Back again' }, status: 'published' });
    await settle(app.strapi, broadcast.socket, entity.socket);
    expect(seen(entity.received)).toEqual(['homepage:create@en']);
    expect(contentEvents(entity.received)[0]?.args[0]).toEqual((await rest('/api/homepage?locale=en')).data);
    expect(again.documentId).not.toBe(documentId);
  });

  it('a single type without locales or drafts: update, delete, create; subscribing before it exists', async () => {
    const announcement = app.strapi.documents(ANNOUNCEMENT);
    const entity = await example.listen();
    const existing = await announcement.findFirst({});
    await entity.socket.timeout(5000).emitWithAck('subscribe-entity', { uid: ANNOUNCEMENT });
    await announcement.update({ documentId: existing!.documentId, data: { message: 'Maintenance at noon', level: 'warning' } });
    await settle(app.strapi, entity.socket);
    const [updated] = contentEvents(entity.received);
    expect(updated?.event).toBe('announcement:update');
    expect(updated?.args[0]).toEqual((await rest('/api/announcement')).data);
    expect(updated?.args[1]).toMatchObject({ uid: ANNOUNCEMENT, documentId: existing!.documentId, locale: null, status: 'published' });

    await announcement.delete({ documentId: existing!.documentId });
    const late = await example.listen();
    // No entry now: the acknowledgement says so, and the subscription hears of the next one.
    expect(await late.socket.timeout(5000).emitWithAck('subscribe-entity', { uid: ANNOUNCEMENT })).toEqual({ success: true, uid: ANNOUNCEMENT, documentId: null });
    const created = await announcement.create({ data: { message: 'Hello again', level: 'info', active: true } });
    await settle(app.strapi, entity.socket, late.socket);
    expect(seen(entity.received)).toEqual(['announcement:update@null', 'announcement:delete@null', 'announcement:create@null']);
    expect(seen(late.received)).toEqual(['announcement:create@null']);
    expect(contentEvents(late.received)[0]?.args[0]).toMatchObject({ documentId: created.documentId, message: 'Hello again' });

    // $io helpers address the single type's subscribers by any documentId of its entry.
    expect((await app.strapi.$io.getEntityRoomSockets(ANNOUNCEMENT, created.documentId)).map(({ id }) => id).sort()).toEqual(
      [entity.socket.id, late.socket.id].sort(),
    );
    expect(await app.strapi.$io.getEntitySubscriptions(late.socket.id!)).toEqual([{ uid: ANNOUNCEMENT, documentId: '*' }]);
  });

  it('a collection type still needs an id; a single type unsubscribes without one', async () => {
    const { socket } = await example.listen();
    expect(await socket.timeout(5000).emitWithAck('subscribe-entity', { uid: PAGE })).toMatchObject({
      success: false,
      error: { code: 'INVALID_PAYLOAD', message: expect.stringContaining('collection type') },
    });
    await socket.timeout(5000).emitWithAck('subscribe-entity', { uid: HOMEPAGE });
    expect(await socket.timeout(5000).emitWithAck('unsubscribe-entity', { uid: HOMEPAGE })).toMatchObject({ success: true, uid: HOMEPAGE });
    expect(await app.strapi.$io.getEntitySubscriptions(socket.id!)).toEqual([]);
  });

  it('a collection subscription to a localized single type follows its locale', async () => {
    const homepage = app.strapi.documents(HOMEPAGE);
    const de = await example.listen();
    await subscribe(de.socket, { uid: HOMEPAGE, locale: 'de' });
    const entry = await homepage.findFirst({ locale: 'en' });
    await homepage.update({ documentId: entry!.documentId, locale: 'en', data: { headline: 'English only' }, status: 'published' });
    await homepage.update({ documentId: entry!.documentId, locale: 'de', data: { headline: 'Nur Deutsch' }, status: 'published' });
    await settle(app.strapi, de.socket);
    expect(seen(de.received)).toEqual(['homepage:create@de']);
    expect(contentEvents(de.received)[0]?.args[0]).toEqual((await rest('/api/homepage?locale=de')).data);
  });
});
