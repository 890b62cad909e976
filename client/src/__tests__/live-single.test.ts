import { QueryClient } from '@tanstack/query-core';
import { describe, expect, it, vi } from 'vitest';
import { createUser } from 'example-strapi-app/testing';
import { LiveError } from '../live-error';
import type { LiveClient } from '../live-client';
import type { StrapiDocument } from '../protocol';
import { liveSingleKey } from '../query-options';
import { ARTICLE, expectLiveData, useLiveHarness } from './live-harness';

/**
 * Live single types against the example app: `api::homepage.homepage` (localized en/fr/de, draft &
 * publish) and `api::announcement.announcement` (one entry, no locales, no drafts). The app boots
 * unseeded, so each test makes the entries it needs; every step is checked against a fresh REST read.
 */
const HOMEPAGE = 'api::homepage.homepage';
const ANNOUNCEMENT = 'api::announcement.announcement';

type Homepage = StrapiDocument & { headline: string; intro: string | null };
type Announcement = StrapiDocument & { message: string; level: 'info' | 'warning'; active: boolean };

const h = useLiveHarness();
const homepages = () => h.strapi.documents(HOMEPAGE);
const announcements = () => h.strapi.documents(ANNOUNCEMENT);

/** What `GET /api/<singular>` returns now: the entry, or null for its 404. */
const fresh =
  (path: string, query: Record<string, unknown> = {}, token?: string) =>
  async (): Promise<unknown> =>
    (await h.rest(path, query, token)).data ?? null;
const homepageNow = (locale?: string) => fresh('/api/homepage', locale ? { locale } : {});

/** The homepage published in en, fr and de (made again if a test deleted it); its documentId. */
async function ensureHomepage(): Promise<string> {
  const existing = await homepages().findFirst({ locale: 'en' });
  if (existing) await homepages().delete({ documentId: existing.documentId, locale: '*' });
  const { documentId } = await homepages().create({ locale: 'en', data: { headline: 'Welcome', intro: 'Hello' }, status: 'published' });
  await homepages().update({ documentId, locale: 'fr', data: { headline: 'Bienvenue', intro: 'Bonjour' }, status: 'published' });
  await homepages().update({ documentId, locale: 'de', data: { headline: 'Willkommen', intro: 'Hallo' }, status: 'published' });
  return documentId;
}

const headline = (observer: { getCurrentResult(): { data: unknown } }) => (observer.getCurrentResult().data as Homepage | null)?.headline ?? null;

describe('a live single type', () => {
  it('reads the entry of each locale, and of the default locale without one', async () => {
    await ensureHomepage();
    const live = h.client();
    const observers = (['en', 'fr', 'de', undefined] as const).map((locale) => live.single<Homepage>(HOMEPAGE, locale ? { locale } : {}));
    const seen = observers.map((observer) => h.watch(observer));
    await Promise.all(observers.map((observer, i) => expectLiveData(observer, homepageNow(['en', 'fr', 'de', undefined][i]))));
    expect(observers.map(headline)).toEqual(['Welcome', 'Bienvenue', 'Willkommen', 'Welcome']);
    expect(observers[1]!.getCurrentResult().data).toMatchObject({ locale: 'fr', intro: 'Bonjour' });
    expect(seen[0]![0]).toMatchObject({ status: 'pending', data: undefined, isLive: false });
  });

  it('follows update, publish, unpublish, delete and an entry created again under another documentId, equal to a fresh REST read', async () => {
    const documentId = await ensureHomepage();
    const live = h.client();
    const fr = live.single<Homepage>(HOMEPAGE, { locale: 'fr' });
    const en = live.single<Homepage>(HOMEPAGE, { locale: 'en' });
    h.watch(fr);
    h.watch(en);
    const check = () => Promise.all([expectLiveData(fr, homepageNow('fr')), expectLiveData(en, homepageNow('en'))]);
    await check();

    // A draft edit is not in the published view; publishing it is.
    await homepages().update({ documentId, locale: 'fr', data: { headline: 'Brouillon' } });
    await h.settle(live);
    await check();
    expect(headline(fr)).toBe('Bienvenue');
    await homepages().publish({ documentId, locale: 'fr' });
    await check();
    expect(headline(fr)).toBe('Brouillon');
    await homepages().update({ documentId, locale: 'fr', data: { headline: 'En direct' }, status: 'published' });
    await check();
    expect(headline(fr)).toBe('En direct');

    await homepages().unpublish({ documentId, locale: 'fr' });
    await check();
    expect(fr.getCurrentResult()).toMatchObject({ status: 'success', data: null, error: null });
    await homepages().publish({ documentId, locale: 'fr' });
    await check();
    expect(headline(fr)).toBe('En direct');

    await homepages().delete({ documentId, locale: '*' });
    await check();
    expect([fr, en].map((observer) => observer.getCurrentResult().data)).toEqual([null, null]);

    // Created again: another documentId, which the same observers follow.
    const again = await homepages().create({ locale: 'en', data: { headline: 'Back again' }, status: 'published' });
    expect(again.documentId).not.toBe(documentId);
    await check();
    expect(en.getCurrentResult().data).toMatchObject({ documentId: again.documentId, headline: 'Back again' });
    expect(fr.getCurrentResult().data).toBeNull();
    await homepages().update({ documentId: again.documentId, locale: 'fr', data: { headline: 'De retour' }, status: 'published' });
    await check();
    expect(fr.getCurrentResult().data).toMatchObject({ documentId: again.documentId, headline: 'De retour' });
  });

  it('applies writes that land between its subscribe and its REST read, the entry replaced among them', async () => {
    const documentId = await ensureHomepage();
    let live: LiveClient | undefined;
    let raced = false;
    const racingFetch: typeof fetch = async (input, init) => {
      if (!raced && String(input).includes('/api/homepage')) {
        raced = true;
        // Subscribed, the read not made yet: its events queue, and the read returns the new entry.
        await homepages().update({ documentId, locale: 'fr', data: { headline: 'Avant' }, status: 'published' });
        await homepages().delete({ documentId, locale: '*' });
        const again = await homepages().create({ locale: 'en', data: { headline: 'Raced' }, status: 'published' });
        await homepages().update({ documentId: again.documentId, locale: 'fr', data: { headline: 'Après' }, status: 'published' });
        await h.settle(live!);
      }
      return fetch(input, init);
    };
    live = h.client({ fetch: racingFetch });
    const fr = live.single<Homepage>(HOMEPAGE, { locale: 'fr' });
    const seen = h.watch(fr);
    await expectLiveData(fr, homepageNow('fr'));
    expect(raced).toBe(true);
    expect(headline(fr)).toBe('Après');
    // Never the old entry's lagging events over the new one.
    expect(new Set(seen.map((result) => (result.data as Homepage | null | undefined)?.headline).filter(Boolean))).toEqual(new Set(['Après']));
  });

  it('in French, ignores writes in English: no snapshot, no read', async () => {
    const documentId = await ensureHomepage();
    let reads = 0;
    const live = h.client({ fetch: (input, init) => ((reads += String(input).includes('/api/homepage') ? 1 : 0), fetch(input, init)) });
    const fr = live.single<Homepage>(HOMEPAGE, { locale: 'fr' });
    const seen = h.watch(fr);
    await expectLiveData(fr, homepageNow('fr'));
    const [snapshots, before, readsBefore] = [seen.length, fr.getCurrentResult(), reads];

    await homepages().update({ documentId, locale: 'en', data: { headline: 'English only' }, status: 'published' });
    await homepages().unpublish({ documentId, locale: 'en' });
    await h.settle(live);
    expect(seen).toHaveLength(snapshots);
    expect(fr.getCurrentResult()).toBe(before);
    expect(reads).toBe(readsBefore);
  });

  it('shows the draft view to a user allowed drafts, with edits the published view does not show', async () => {
    const documentId = await ensureHomepage();
    const { jwt } = await createUser(h.strapi);
    const live = h.client({ auth: () => ({ strategy: 'jwt', token: jwt }) });
    const draft = live.single<Homepage>(HOMEPAGE, { locale: 'de', status: 'draft' });
    const published = live.single<Homepage>(HOMEPAGE, { locale: 'de' });
    h.watch(draft);
    h.watch(published);
    const draftNow = fresh('/api/homepage', { locale: 'de', status: 'draft' }, jwt);
    const publishedNow = fresh('/api/homepage', { locale: 'de' }, jwt);
    const check = () => Promise.all([expectLiveData(draft, draftNow), expectLiveData(published, publishedNow)]);
    await check();

    await homepages().update({ documentId, locale: 'de', data: { headline: 'Entwurf' } });
    await check();
    expect([headline(draft), headline(published)]).toEqual(['Entwurf', 'Willkommen']);
    await homepages().unpublish({ documentId, locale: 'de' });
    await check();
    expect([headline(draft), headline(published)]).toEqual(['Entwurf', null]);
  });

  it('is null (not an error) while the type has no entry, then shows it once created, and again after a delete', async () => {
    const existing = await announcements().findFirst({});
    if (existing) await announcements().delete({ documentId: existing.documentId });
    const observer = h.client().single<Announcement>(ANNOUNCEMENT);
    h.watch(observer);
    const now = fresh('/api/announcement');
    await vi.waitFor(() => expect(observer.getCurrentResult()).toMatchObject({ status: 'success', data: null, error: null, isLive: true }));

    const first = await announcements().create({ data: { message: 'Hello', level: 'info', active: true } });
    await expectLiveData(observer, now);
    expect(observer.getCurrentResult().data).toMatchObject({ documentId: first.documentId, message: 'Hello' });
    await announcements().update({ documentId: first.documentId, data: { message: 'Maintenance at noon', level: 'warning' } });
    await expectLiveData(observer, now);
    expect(observer.getCurrentResult().data).toMatchObject({ message: 'Maintenance at noon', level: 'warning' });

    await announcements().delete({ documentId: first.documentId });
    await expectLiveData(observer, now);
    expect(observer.getCurrentResult().data).toBeNull();
    const second = await announcements().create({ data: { message: 'Hello again', level: 'info', active: false } });
    await expectLiveData(observer, now);
    expect(observer.getCurrentResult().data).toMatchObject({ documentId: second.documentId, message: 'Hello again', active: false });
  });

  it('reads again when the session was not recovered, and on io:resync', async () => {
    const documentId = await ensureHomepage();
    const live = h.client();
    const observer = live.single<Homepage>(HOMEPAGE, { locale: 'fr' });
    h.watch(observer);
    await expectLiveData(observer, homepageNow('fr'));

    // No event received yet: no offset to resume from, so a new session (subscribe and read again).
    const tally = h.tally();
    await h.dropAndReturn(live, async () => {
      await homepages().update({ documentId, locale: 'fr', data: { headline: 'Pendant la coupure' }, status: 'published' });
    });
    await expectLiveData(observer, homepageNow('fr'));
    expect(live.socket.recovered).toBe(false);
    expect(tally.count('subscribe')).toBe(1);
    expect(headline(observer)).toBe('Pendant la coupure');

    // A change the server never saw as an event (written under the Document Service): io:resync.
    await h.strapi.db.query(HOMEPAGE).updateMany({ where: { documentId, locale: 'fr', publishedAt: { $notNull: true } }, data: { headline: 'Sans événement' } });
    h.strapi.$io.server.of('/').sockets.get(live.socket.id!)!.emit('io:resync', { reason: 'test' });
    await vi.waitFor(() => expect(headline(observer)).toBe('Sans événement'));
    await expectLiveData(observer, homepageNow('fr'));
  });

  it("stores its entry in the app's QueryClient under liveSingleKey, one key per locale", async () => {
    await ensureHomepage();
    const queryClient = new QueryClient();
    const live = h.client({ queryClient });
    const fr = live.single<Homepage>(HOMEPAGE, { locale: 'fr' });
    h.watch(fr);
    await expectLiveData(fr, homepageNow('fr'));
    expect(queryClient.getQueryData(liveSingleKey(HOMEPAGE, { locale: 'fr' }))).toBe(fr.getCurrentResult().data);
    expect(liveSingleKey(HOMEPAGE, { locale: 'fr' })).not.toEqual(liveSingleKey(HOMEPAGE, { locale: 'de' }));
    expect(fr.queryKey).toEqual(liveSingleKey(HOMEPAGE, { locale: 'fr' }));
  });
});

describe('a query of the wrong kind', () => {
  it('is an INVALID_QUERY error that says what to use, and holds no server subscription', async () => {
    await ensureHomepage();
    const tally = h.tally();
    const live = h.client();
    const singleOfCollection = live.single(ARTICLE);
    const collectionOfSingle = live.collection(HOMEPAGE);
    const entityOfSingle = live.entity(HOMEPAGE, 'abc');
    h.watch(singleOfCollection);
    h.watch(collectionOfSingle);
    h.watch(entityOfSingle);
    await vi.waitFor(() => {
      expect([singleOfCollection, collectionOfSingle, entityOfSingle].map((observer) => observer.getCurrentResult().error?.code)).toEqual([
        'INVALID_QUERY',
        'INVALID_QUERY',
        'INVALID_QUERY',
      ]);
    });
    expect(singleOfCollection.getCurrentResult()).toMatchObject({ status: 'error', data: undefined, isLive: false });
    expect(singleOfCollection.getCurrentResult().error).toBeInstanceOf(LiveError);
    expect(singleOfCollection.getCurrentResult().error?.message).toMatch(/collection type.*live\.collection/);
    expect(collectionOfSingle.getCurrentResult().error?.message).toMatch(/single type.*live\.single/);
    // Each let its server subscription go.
    await vi.waitFor(() => expect(tally.count('unsubscribe')).toBe(3));
    expect(tally.count('subscribe')).toBe(3);
  });

  it('does not end the server subscription a live single type shares with it', async () => {
    await ensureHomepage();
    const live = h.client();
    const single = live.single<Homepage>(HOMEPAGE, { locale: 'fr' });
    h.watch(single);
    await expectLiveData(single, homepageNow('fr'));
    // The same server query (uid and locale, no filters) as the live single type.
    const collection = live.collection(HOMEPAGE, { locale: 'fr' });
    h.watch(collection);
    await vi.waitFor(() => expect(collection.getCurrentResult().error?.code).toBe('INVALID_QUERY'));

    const { documentId } = (await homepages().findFirst({ locale: 'fr' }))!;
    await homepages().update({ documentId, locale: 'fr', data: { headline: 'Toujours en direct' }, status: 'published' });
    await expectLiveData(single, homepageNow('fr'));
    expect(headline(single)).toBe('Toujours en direct');
  });
});
