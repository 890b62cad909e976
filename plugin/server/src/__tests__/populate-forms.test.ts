/**
 * Every populate form REST accepts, configured as a type's `populate`, gives events whose first
 * argument is exactly what `GET /api/<plural>/:documentId` (or `GET /api/<singular>`) returns that
 * reader with the same populate in its query string: per locale, per principal (Public, a role
 * that may not read authors or categories, a read-only token, a full-access token) and per view
 * (a full-access token's draft subscriptions). The config is read at bootstrap, so each group of
 * forms boots its own app, one after the other (Strapi is a process-wide singleton).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import qs from 'qs';
import type { Socket } from 'socket.io-client';
import { bootExampleApp, connect, contentEvents, createApiToken, createRole, createUser, record, settle } from 'example-strapi-app/testing';
import type { ExampleApp, Received } from 'example-strapi-app/testing';

const PAGE = 'api::page.page';
const ARTICLE = 'api::article.article';
const AUTHOR = 'api::author.author';
const HOMEPAGE = 'api::homepage.homepage';
const ANNOUNCEMENT = 'api::announcement.announcement';
type Uid = typeof PAGE | typeof ARTICLE | typeof AUTHOR | typeof HOMEPAGE | typeof ANNOUNCEMENT;
type Populate = string | string[] | Record<string, unknown>;

/** How REST addresses each type: a collection by documentId, a single type by its singular name. */
const REST_PATH: Record<Uid, (documentId: string) => string> = {
  [PAGE]: (documentId) => `/api/pages/${documentId}`,
  [ARTICLE]: (documentId) => `/api/articles/${documentId}`,
  [AUTHOR]: (documentId) => `/api/authors/${documentId}`,
  [HOMEPAGE]: () => '/api/homepage',
  [ANNOUNCEMENT]: () => '/api/announcement',
};
const LOCALIZED: Record<Uid, boolean> = { [PAGE]: true, [ARTICLE]: false, [AUTHOR]: false, [HOMEPAGE]: true, [ANNOUNCEMENT]: false };
/** Only these have a draft view. */
const DRAFT_AND_PUBLISH: Record<Uid, boolean> = { [PAGE]: true, [ARTICLE]: true, [AUTHOR]: true, [HOMEPAGE]: true, [ANNOUNCEMENT]: false };
const LOCALES = ['en', 'fr', 'de'] as const;

/**
 * One boot: a populate per type, each written as a client would write it in a REST query. `shows`
 * and `hides` are paths (`author.avatar.url`, `sections.0.text`) that Public's event must and must
 * not have, so that equality with REST is not met by two equally unpopulated documents.
 */
interface FormGroup {
  name: string;
  populate: Partial<Record<Uid, Populate>>;
  shows: Partial<Record<Uid, string[]>>;
  hides: Partial<Record<Uid, string[]>>;
}

const FORM_GROUPS: FormGroup[] = [
  {
    name: "'*'",
    // The announcement (a single type without locales or drafts) has nothing to populate.
    populate: { [PAGE]: '*', [ARTICLE]: '*', [AUTHOR]: '*', [HOMEPAGE]: '*', [ANNOUNCEMENT]: '*' },
    shows: {
      [PAGE]: ['links.0.url', 'cover.url', 'sections.1.text', 'localizations.1.title'],
      [ARTICLE]: ['category.name', 'author.name'],
      [AUTHOR]: ['avatar.url', 'articles.0.title'],
      [HOMEPAGE]: ['localizations.1.headline'],
    },
    // One level deep only.
    hides: { [ARTICLE]: ['author.avatar', 'category.articles'], [AUTHOR]: ['articles.0.category'] },
  },
  {
    name: 'an array of names, with a dot path to media inside a relation',
    populate: { [PAGE]: ['links', 'cover'], [ARTICLE]: ['category', 'author.avatar'], [AUTHOR]: ['avatar', 'articles'] },
    shows: { [PAGE]: ['links.0.label', 'cover.url'], [ARTICLE]: ['category.name', 'author.avatar.url'], [AUTHOR]: ['avatar.url', 'articles.0.title'] },
    hides: { [PAGE]: ['sections', 'localizations'] },
  },
  {
    name: 'a comma string',
    populate: { [PAGE]: 'links, cover,sections', [ARTICLE]: 'category,author', [AUTHOR]: 'avatar' },
    shows: { [PAGE]: ['links.0.label', 'cover.url', 'sections.0.body'], [ARTICLE]: ['category.name', 'author.bio'], [AUTHOR]: ['avatar.url'] },
    hides: { [PAGE]: ['localizations'], [ARTICLE]: ['author.avatar'], [AUTHOR]: ['articles'] },
  },
  {
    name: 'the object form with true',
    populate: { [PAGE]: { links: true, sections: true, cover: true }, [ARTICLE]: { category: true, author: true }, [AUTHOR]: { avatar: true, articles: true } },
    shows: { [PAGE]: ['links.0.url', 'sections.1.by', 'cover.url'], [ARTICLE]: ['category.slug', 'author.name'], [AUTHOR]: ['avatar.url', 'articles.0.title'] },
    hides: { [PAGE]: ['localizations'] },
  },
  {
    name: 'nested populate and fields (a relation, media inside a relation) and a dynamic zone with on',
    populate: {
      [PAGE]: { sections: { on: { 'page.quote': { fields: ['text'] }, 'page.rich-text': true } } },
      [ARTICLE]: { category: { fields: ['name'] }, author: { populate: ['avatar'], fields: ['name'] } },
      [AUTHOR]: { avatar: { fields: ['url', 'alternativeText'] }, articles: { fields: ['title'], populate: { category: { fields: ['slug'] } } } },
    },
    shows: {
      [PAGE]: ['sections.0.body', 'sections.1.text'],
      [ARTICLE]: ['category.name', 'author.name', 'author.avatar.url'],
      [AUTHOR]: ['avatar.url', 'avatar.alternativeText', 'articles.0.title', 'articles.0.category.slug'],
    },
    hides: {
      [PAGE]: ['sections.1.by', 'links', 'cover'],
      [ARTICLE]: ['category.slug', 'author.bio'],
      [AUTHOR]: ['avatar.name', 'articles.0.body', 'articles.0.category.name'],
    },
  },
  {
    name: 'a component and media with nested fields, and a dynamic zone with on for one of its components',
    populate: {
      [PAGE]: { links: { fields: ['label'] }, cover: { fields: ['name', 'url', 'width'] }, sections: { on: { 'page.quote': { fields: ['by'] } } } },
      [ARTICLE]: { author: { populate: { avatar: { fields: ['url'] } } } },
    },
    shows: { [PAGE]: ['links.0.label', 'cover.width', 'sections.0.by'], [ARTICLE]: ['author.bio', 'author.avatar.url'] },
    // A zone populated `on` some components lists only those.
    hides: { [PAGE]: ['links.0.url', 'cover.height', 'sections.0.text', 'sections.1'], [ARTICLE]: ['category', 'author.avatar.name'] },
  },
];

/** The value at a dot path (`sections.0.text`), or undefined. */
function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((inner, key) => (inner !== null && typeof inner === 'object' ? (inner as Record<string, unknown>)[key] : undefined), value);
}

interface Reader {
  name: string;
  /** Handshake auth, also sent to REST as a bearer token; none for Public. */
  auth?: { strategy: 'jwt' | 'api-token'; token: string };
}

interface Target {
  uid: Uid;
  documentId: string;
  locale: string | null;
}

type Doc = Record<string, unknown>;
type Meta = { uid: string; documentId: string; locale: string | null; status: string };

describe.each(FORM_GROUPS)('populate as $name', ({ populate, shows, hides }) => {
  let app: ExampleApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    app = await bootExampleApp({
      ioConfig: { contentTypes: (Object.entries(populate) as [Uid, Populate][]).map(([uid, value]) => ({ uid, populate: value })) },
    });
  });
  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.close());
  });
  afterAll(async () => {
    await app?.stop();
  });

  const watched = () => Object.keys(populate) as Uid[];

  async function listen(reader: Reader): Promise<{ socket: Socket; received: Received[] }> {
    const socket = await connect(app.url, reader.auth ? { auth: reader.auth } : {});
    sockets.push(socket);
    return { socket, received: record(socket) };
  }

  /** REST's answer to this reader, with the type's populate sent as a client sends it (`qs`). */
  async function rest(reader: Reader, { uid, documentId, locale }: Target, status: 'published' | 'draft'): Promise<{ status: number; data?: Doc }> {
    const query = qs.stringify(
      { populate: populate[uid], ...(locale ? { locale } : {}), ...(status === 'draft' ? { status } : {}) },
      { encodeValuesOnly: true },
    );
    const headers: Record<string, string> = reader.auth ? { authorization: `Bearer ${reader.auth.token}` } : {};
    const response = await fetch(`${app.url}${REST_PATH[uid](documentId)}?${query}`, { headers });
    const body = (await response.json()) as { data?: Doc };
    return { status: response.status, ...(response.status === 200 ? { data: body.data } : {}) };
  }

  /**
   * The event of `target` a reader received, checked against REST asked right after that write (a
   * later write may change what the document populates): when REST serves it the target, exactly
   * one event that equals REST's document as a whole; when REST refuses it (403), none.
   */
  async function expectRestEquality(reader: Reader, received: Received[], target: Target, status: 'published' | 'draft'): Promise<Doc | undefined> {
    const events = contentEvents(received);
    const answer = await rest(reader, target, status);
    const where = `${reader.name} ${status} ${target.uid}@${target.locale ?? '-'}`;
    if (answer.status === 200) {
      expect(events.map(({ event }) => event), where).toHaveLength(1);
      const [event] = events;
      expect(event?.args[1], where).toMatchObject({ uid: target.uid, documentId: target.documentId, locale: target.locale });
      expect(event?.args[0], where).toEqual(answer.data);
    } else {
      expect(answer.status, where).toBe(403);
      expect(events, where).toEqual([]);
    }
    return answer.data;
  }

  /** The seeded documents the tests write to: the welcome page and the homepage in every locale, an article, its author, the announcement. */
  async function seededTargets(): Promise<Target[]> {
    const documents = app.strapi.documents;
    const page = await documents(PAGE).findFirst({ filters: { slug: 'welcome' }, locale: 'en' });
    const article = await documents(ARTICLE).findFirst({ filters: { slug: 'strapi-goes-real-time' }, status: 'published' });
    const author = await documents(AUTHOR).findFirst({ filters: { name: 'Ada Lovelace' }, status: 'published' });
    const homepage = await documents(HOMEPAGE).findFirst({ locale: 'en' });
    const announcement = await documents(ANNOUNCEMENT).findFirst({});
    if (!page || !article || !author || !homepage || !announcement) throw new Error('The example seed is missing the welcome page, the article, Ada, the homepage or the announcement');
    const all: Target[] = [
      ...LOCALES.map((locale) => ({ uid: PAGE, documentId: page.documentId, locale }) as const),
      { uid: ARTICLE, documentId: article.documentId, locale: null },
      { uid: AUTHOR, documentId: author.documentId, locale: null },
      ...LOCALES.map((locale) => ({ uid: HOMEPAGE, documentId: homepage.documentId, locale }) as const),
      { uid: ANNOUNCEMENT, documentId: announcement.documentId, locale: null },
    ];
    return all.filter(({ uid }) => watched().includes(uid));
  }

  /** Changes a title-like field of one target; without `published`, the draft only. */
  async function write({ uid, documentId, locale }: Target, status: 'published' | 'draft', mark: string): Promise<void> {
    const documents = app.strapi.documents;
    const where = { documentId, ...(locale ? { locale } : {}), ...(status === 'published' ? ({ status: 'published' } as const) : {}) };
    if (uid === PAGE) await documents(PAGE).update({ ...where, data: { title: `Page ${locale} ${mark}` } });
    if (uid === ARTICLE) await documents(ARTICLE).update({ ...where, data: { title: `Article ${mark}` } });
    if (uid === AUTHOR) await documents(AUTHOR).update({ ...where, data: { bio: `Bio ${mark}` } });
    if (uid === HOMEPAGE) await documents(HOMEPAGE).update({ ...where, data: { headline: `Home ${locale} ${mark}` } });
    if (uid === ANNOUNCEMENT) await documents(ANNOUNCEMENT).update({ documentId, data: { message: `Announcement ${mark}` } });
  }

  it('sends every reader of the published view what REST returns it, in every locale', async () => {
    // May read pages, articles and the homepage, not authors or categories: REST drops those relations.
    const role = await createRole(app.strapi, [
      'api::page.page.find',
      'api::page.page.findOne',
      'api::article.article.find',
      'api::article.article.findOne',
      'api::homepage.homepage.find',
      'api::announcement.announcement.find',
    ]);
    const user = await createUser(app.strapi, { roleId: role.id });
    const readOnly = await createApiToken(app.strapi, 'read-only');
    const fullAccess = await createApiToken(app.strapi, 'full-access');
    const restricted: Reader = { name: 'user without authors and categories', auth: { strategy: 'jwt', token: user.jwt } };
    const readers: Reader[] = [
      { name: 'public' },
      restricted,
      { name: 'read-only token', auth: { strategy: 'api-token', token: readOnly.accessKey } },
      { name: 'full-access token', auth: { strategy: 'api-token', token: fullAccess.accessKey } },
    ];
    const listeners = await Promise.all(readers.map(listen));

    for (const target of await seededTargets()) {
      listeners.forEach(({ received }) => (received.length = 0));
      const before = app.strapi.$io.stats().sanitized;
      await write(target, 'published', 'v2');
      await settle(app.strapi, ...listeners.map(({ socket }) => socket));
      const sanitized = app.strapi.$io.stats().sanitized - before;

      let served = 0;
      for (const [i, reader] of readers.entries()) {
        const doc = await expectRestEquality(reader, listeners[i]!.received, target, 'published');
        if (doc) served += 1;
        if (!reader.auth) {
          const where = `public ${target.uid}@${target.locale ?? '-'}`;
          for (const path of shows[target.uid] ?? []) expect(at(doc, path), `${where} shows ${path}`).toBeDefined();
          for (const path of hides[target.uid] ?? []) expect(at(doc, path), `${where} hides ${path}`).toBeUndefined();
        }
        if (reader === restricted && target.uid === ARTICLE) {
          // The relations the role may not read are gone from REST's answer, and so from the event.
          expect(doc).toBeDefined();
          expect(doc).not.toHaveProperty('category');
          expect(doc).not.toHaveProperty('author');
        }
        if (reader === restricted && target.uid === AUTHOR) expect(doc).toBeUndefined();
      }
      // One sanitize per principal group that may read it (each reader here is a group of its own).
      expect(sanitized, `${target.uid}@${target.locale}`).toBe(served);
    }
  });

  it("sends a full-access token's draft subscriptions what REST returns with status=draft", async () => {
    const fullAccess = await createApiToken(app.strapi, 'full-access');
    const reader: Reader = { name: 'full-access token', auth: { strategy: 'api-token', token: fullAccess.accessKey } };
    const drafts = await listen(reader);
    const published = await listen({ name: 'public' });
    for (const uid of watched().filter((uid) => DRAFT_AND_PUBLISH[uid])) {
      for (const locale of LOCALIZED[uid] ? LOCALES : [null]) {
        const ack = (await drafts.socket.timeout(5000).emitWithAck('subscribe', { uid, status: 'draft', ...(locale ? { locale } : {}) })) as { success: boolean };
        expect(ack, `${uid}@${locale}`).toMatchObject({ success: true });
      }
    }

    for (const target of (await seededTargets()).filter(({ uid }) => DRAFT_AND_PUBLISH[uid])) {
      drafts.received.length = 0;
      await write(target, 'draft', 'draft');
      await settle(app.strapi, drafts.socket, published.socket);
      const doc = await expectRestEquality(reader, drafts.received, target, 'draft');
      expect(doc).toBeDefined();
      // A draft indeed: the published view of the same document is another one.
      const live = (await rest(reader, target, 'published')).data;
      expect(live).toBeDefined();
      expect(live).not.toEqual(doc);
    }
    // Draft-only writes: the published view heard nothing.
    expect(contentEvents(published.received)).toEqual([]);
  });
});

describe('start-up with a populate in REST syntax the schema does not have', () => {
  // Each populate is what REST parses from a query string. An unknown name in an array is refused
  // in config-startup-options.test.ts, checkPopulate's messages on made-up schemas in
  // validate-populate.test.ts; these boot the real page type with the object forms.
  const fromQuery = (query: string) => qs.parse(query).populate;

  it('refuses an unknown attribute nested in a component, naming the config key', async () => {
    const populate = fromQuery('populate[cover]=true&populate[links][fields][0]=label&populate[links][fields][1]=href');
    expect(populate).toEqual({ cover: 'true', links: { fields: ['label', 'href'] } });
    await expect(bootExampleApp({ seed: false, ioConfig: { contentTypes: [ARTICLE, { uid: PAGE, populate }] } })).rejects.toThrow(
      'Error regarding io config: "contentTypes[1].populate.links.fields" names "href", which is not a field of page.link',
    );
  });

  it('refuses on naming a component the dynamic zone does not allow, which REST would ignore', async () => {
    const populate = fromQuery('populate[sections][on][page.quote]=true&populate[sections][on][page.link]=true');
    await expect(bootExampleApp({ seed: false, ioConfig: { contentTypes: [{ uid: PAGE, populate }] } })).rejects.toThrow(
      'Error regarding io config: "contentTypes[0].populate.sections.on.page.link" names page.link, which the dynamic zone "sections" of api::page.page does not allow (components: page.rich-text, page.quote)',
    );
  });
});
