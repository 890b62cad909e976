import { createApp, createSSRApp, defineComponent, effectScope, h, nextTick, reactive, ref } from 'vue';
import type { PropType } from 'vue';
import { renderToString } from '@vue/server-renderer';
import { mount } from '@vue/test-utils';
import type { VueWrapper } from '@vue/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLiveClient } from '@strapi-live/client';
import type { CollectionOptions, LiveClient, LiveClientOptions } from '@strapi-live/client';
import { bootExampleApp, countAnimationFrames, settle, spyOnServer } from 'example-strapi-app/testing';
import type { ExampleApp, ServerSpy } from 'example-strapi-app/testing';
import { createLive, useLiveClient, useLiveCollection, useLiveEntity, useLiveEvent, useLiveSingle, useLiveStatus } from '../index';
import type { LiveRefs } from '../index';

const ARTICLE = 'api::article.article';

interface Article {
  documentId: string;
  title: string;
  body: string | null;
}

let app: ExampleApp;
let server: ServerSpy;
const clients: LiveClient[] = [];
const wrappers: VueWrapper[] = [];
let tagCount = 0;

beforeAll(async () => {
  app = await bootExampleApp({ seed: false });
  server = spyOnServer(app.strapi);
});

afterAll(async () => {
  await app?.stop();
});

beforeEach(() => server.reset());

afterEach(async () => {
  wrappers.splice(0).forEach((wrapper) => wrapper.unmount());
  clients.splice(0).forEach((client) => client.close());
  await eventually(() => expect(server.open()).toEqual([]));
});

/** Polls until `check` passes (no fixed sleeps): server events arrive when they arrive. */
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 20 });

/** Options that reach the real server from jsdom: Node's fetch, a plain WebSocket transport. */
const clientOptions = (overrides: Partial<LiveClientOptions> = {}): LiveClientOptions => ({
  url: app.url,
  fetch: globalThis.fetch,
  socketOptions: { transports: ['websocket'] },
  ...overrides,
});

function newClient(overrides: Partial<LiveClientOptions> = {}): LiveClient {
  const client = createLiveClient(clientOptions(overrides));
  clients.push(client);
  return client;
}

const newTag = () => `tag-${Date.now().toString(36)}-${tagCount++}`;
const byTag = (tag: string): CollectionOptions => ({ filters: { body: { $eq: tag } }, sort: 'title' });

const articles = () => app.strapi.documents(ARTICLE as never);
const publish = async (title: string, body: string): Promise<Article> =>
  (await articles().create({ data: { title, body }, status: 'published' } as never)) as unknown as Article;
const rename = (documentId: string, title: string) => articles().update({ documentId, data: { title }, status: 'published' } as never);

/** Mounts `setup`'s render function with the plugin installed; unmounted after the test. */
function mountWith(client: LiveClient, setup: () => () => ReturnType<typeof h>) {
  const wrapper = mount(defineComponent({ setup }), { global: { plugins: [createLive(client)] } });
  wrappers.push(wrapper);
  return wrapper;
}

const titles = (wrapper: VueWrapper) => wrapper.findAll('li').map((item) => item.text());

const Titles = defineComponent({
  props: { query: { type: Object as PropType<CollectionOptions>, required: true } },
  setup(props) {
    const { data, status } = useLiveCollection<Article>(ARTICLE, () => props.query);
    return () => (data.value ? h('ul', data.value.map((a) => h('li', { key: a.documentId }, a.title))) : h('p', status.value));
  },
});

describe('useLiveCollection', () => {
  it('renders the documents of the query and follows changes', async () => {
    const tag = newTag();
    const a = await publish('A first', tag);
    await publish('B second', tag);
    const wrapper = mountWith(newClient(), () => () => h(Titles, { query: byTag(tag) }));
    expect(wrapper.text()).toBe('pending');
    await eventually(() => expect(titles(wrapper)).toEqual(['A first', 'B second']));

    await rename(a.documentId, 'C renamed');
    await eventually(() => expect(titles(wrapper)).toEqual(['B second', 'C renamed']));
    await publish('A newcomer', tag);
    await eventually(() => expect(titles(wrapper)).toEqual(['A newcomer', 'B second', 'C renamed']));
  });

  it('resubscribes when a ref, a getter or a reactive query changes, and only then', async () => {
    const first = newTag();
    const second = newTag();
    const third = newTag();
    await publish('From first', first);
    await publish('From second', second);
    await publish('From third', third);
    const client = newClient();
    const collection = vi.spyOn(client, 'collection');
    const tag = ref(first);
    const query = reactive({ filters: { body: { $eq: first } } });
    let byGetter!: LiveRefs<Article[]>;
    let byReactive!: LiveRefs<Article[]>;
    mountWith(client, () => {
      byGetter = useLiveCollection<Article>(ARTICLE, () => byTag(tag.value));
      byReactive = useLiveCollection<Article>(ARTICLE, query);
      return () => h('p');
    });
    const shown = (refs: typeof byGetter) => refs.data.value?.map((a) => a.title);
    await eventually(() => expect([shown(byGetter), shown(byReactive)]).toEqual([['From first'], ['From first']]));
    expect(collection).toHaveBeenCalledTimes(2);

    tag.value = second;
    query.filters.body.$eq = third;
    await eventually(() => expect([shown(byGetter), shown(byReactive)]).toEqual([['From second'], ['From third']]));
    expect(collection).toHaveBeenCalledTimes(4);
    // Both first queries rode on one server subscription (same filters); it ends with them.
    await eventually(() => expect(server.unsubscribes()).toHaveLength(1));

    // A new object with an equal value is not a change.
    query.filters = { body: { $eq: third } };
    await nextTick();
    expect(collection).toHaveBeenCalledTimes(4);
    expect(server.subscribes(ARTICLE).map((m) => (m.payload as { filters: unknown }).filters)).toEqual([
      { body: { $eq: first } },
      { body: { $eq: second } },
      { body: { $eq: third } },
    ]);
  });
});

describe('rendering under a stream of events', () => {
  it('renders at most once per animation frame, and shows every event applied', async () => {
    expect(typeof requestAnimationFrame).toBe('function');
    const tag = newTag();
    const docs = await Promise.all(['A', 'B', 'C', 'D'].map((title) => publish(title, tag)));
    let renders = 0;
    const client = newClient();
    const wrapper = mountWith(client, () => {
      const { data } = useLiveCollection<Article>(ARTICLE, byTag(tag));
      return () => {
        renders += 1;
        return h('ul', (data.value ?? []).map((a) => h('li', { key: a.documentId }, a.title)));
      };
    });
    await eventually(() => expect(titles(wrapper)).toEqual(['A', 'B', 'C', 'D']));

    // Count the frames while 60 updates arrive, each in its own task.
    const frames = countAnimationFrames();
    renders = 0;
    let events = 0;
    client.socket.on('article:update', () => (events += 1));
    for (let i = 0; i < 60; i += 1) await rename(docs[i % 4]!.documentId, `${'ABCD'[i % 4]}${i}`);
    await eventually(() => expect(titles(wrapper)).toEqual(['A56', 'B57', 'C58', 'D59']));
    frames.stop();
    console.info(`60 updates: ${events} events, ${renders} renders over ${frames.frames} animation frames`);
    expect(events).toBe(60);
    expect(renders).toBeLessThanOrEqual(frames.frames + 1);
  });
});

describe('useLiveEntity', () => {
  it('shows the document a ref points to, and another when the ref changes', async () => {
    const one = await publish('Entity one', newTag());
    const two = await publish('Entity two', newTag());
    const id = ref(one.documentId);
    const wrapper = mountWith(newClient(), () => {
      const { data, status } = useLiveEntity<Article>(ARTICLE, id);
      return () => h('h1', status.value === 'success' ? (data.value?.title ?? 'gone') : status.value);
    });
    await eventually(() => expect(wrapper.text()).toBe('Entity one'));
    await rename(one.documentId, 'Entity one renamed');
    await eventually(() => expect(wrapper.text()).toBe('Entity one renamed'));

    id.value = two.documentId;
    await eventually(() => expect(wrapper.text()).toBe('Entity two'));
    await eventually(() => expect(server.unsubscribes()).toHaveLength(1));
    await articles().delete({ documentId: two.documentId } as never);
    await eventually(() => expect(wrapper.text()).toBe('gone'));
  });
});

const HOMEPAGE = 'api::homepage.homepage';
const ANNOUNCEMENT = 'api::announcement.announcement';
const PAGE = 'api::page.page';

describe('useLiveSingle', () => {
  it('shows the entry of a reactive locale, follows it, and subscribes once more (and only once) when the locale changes', async () => {
    const homepages = app.strapi.documents(HOMEPAGE as never);
    const { documentId } = (await homepages.create({ locale: 'en', data: { headline: 'Welcome' }, status: 'published' } as never)) as unknown as Article;
    await homepages.update({ documentId, locale: 'fr', data: { headline: 'Bienvenue' }, status: 'published' } as never);
    const client = newClient();
    const single = vi.spyOn(client, 'single');
    const locale = ref('en');
    const renders = ref(0);
    const wrapper = mountWith(client, () => {
      const query = () => {
        void renders.value; // re-run by something else: a new object, an equal value
        return { locale: locale.value };
      };
      const { data, status } = useLiveSingle<{ documentId: string; headline: string }>(HOMEPAGE, query);
      return () => h('h1', status.value === 'success' ? (data.value?.headline ?? 'none') : status.value);
    });
    await eventually(() => expect(wrapper.text()).toBe('Welcome'));
    await homepages.update({ documentId, locale: 'en', data: { headline: 'Welcome back' }, status: 'published' } as never);
    await eventually(() => expect(wrapper.text()).toBe('Welcome back'));

    locale.value = 'fr';
    await eventually(() => expect(wrapper.text()).toBe('Bienvenue'));
    await homepages.update({ documentId, locale: 'fr', data: { headline: 'Bienvenue à nouveau' }, status: 'published' } as never);
    await eventually(() => expect(wrapper.text()).toBe('Bienvenue à nouveau'));
    await eventually(() => expect(server.unsubscribes()).toHaveLength(1));
    // The getter gives a new object each time: only a new value counts.
    renders.value += 1;
    await nextTick();
    expect(single).toHaveBeenCalledTimes(2);
    expect(server.subscribes(HOMEPAGE).map((m) => m.payload)).toEqual([
      { uid: HOMEPAGE, locale: 'en' },
      { uid: HOMEPAGE, locale: 'fr' },
    ]);
  });

  it('shows null while the single type has no entry, then the entry once it is created', async () => {
    const wrapper = mountWith(newClient(), () => {
      const { data, status } = useLiveSingle<{ documentId: string; message: string }>(ANNOUNCEMENT);
      return () => h('h2', status.value === 'success' ? (data.value?.message ?? 'no announcement') : status.value);
    });
    await eventually(() => expect(wrapper.text()).toBe('no announcement'));
    await app.strapi.documents(ANNOUNCEMENT as never).create({ data: { message: 'Maintenance at noon', level: 'warning', active: true } } as never);
    await eventually(() => expect(wrapper.text()).toBe('Maintenance at noon'));
  });
});

describe('useLiveCollection with a locale', () => {
  it('subscribes once more, and only once, when a ref locale changes', async () => {
    const pages = app.strapi.documents(PAGE as never);
    const { documentId } = (await pages.create({ locale: 'en', data: { title: 'About', slug: 'about' }, status: 'published' } as never)) as unknown as Article;
    await pages.update({ documentId, locale: 'de', data: { title: 'Über uns', slug: 'ueber-uns' }, status: 'published' } as never);
    const locale = ref('en');
    const wrapper = mountWith(newClient(), () => {
      const { data } = useLiveCollection<Article>(PAGE, () => ({ locale: locale.value, sort: 'title' }));
      return () => (data.value ? h('ul', data.value.map((page) => h('li', { key: page.documentId }, page.title))) : h('p', 'pending'));
    });
    await eventually(() => expect(titles(wrapper)).toEqual(['About']));
    locale.value = 'de';
    await eventually(() => expect(titles(wrapper)).toEqual(['Über uns']));
    await eventually(() => expect(server.unsubscribes()).toHaveLength(1));
    expect(server.subscribes(PAGE).map((m) => m.payload)).toEqual([
      { uid: PAGE, locale: 'en' },
      { uid: PAGE, locale: 'de' },
    ]);
  });
});

describe('cleanup', () => {
  it('unsubscribes when the effect scope is disposed', async () => {
    const tag = newTag();
    await publish('Scoped', tag);
    const client = newClient();
    const vueApp = createApp({ render: () => null }).use(createLive(client));
    const scope = effectScope();
    const refs = vueApp.runWithContext(() => scope.run(() => useLiveCollection<Article>(ARTICLE, byTag(tag))))!;
    await eventually(() => expect(refs.data.value?.map((a) => a.title)).toEqual(['Scoped']));
    expect(server.subscribes(ARTICLE)).toHaveLength(1);

    scope.stop();
    await eventually(() => expect(server.unsubscribes()).toHaveLength(1));
    await publish('After stop', tag);
    await settle(app.strapi, client.socket);
    expect(refs.data.value?.map((a) => a.title)).toEqual(['Scoped']);
  });

  it('shares one server subscription between components and unsubscribes when the last unmounts', async () => {
    const tag = newTag();
    await publish('Shared', tag);
    const show = ref(true);
    const wrapper = mountWith(newClient(), () => () => h('div', show.value ? [h(Titles, { query: byTag(tag) }), h(Titles, { query: byTag(tag) })] : []));
    await eventually(() => expect(titles(wrapper)).toEqual(['Shared', 'Shared']));
    expect(server.subscribes(ARTICLE)).toHaveLength(1);

    show.value = false;
    await eventually(() => expect(server.unsubscribes()).toHaveLength(1));
  });
});

describe('useLiveEvent', () => {
  it('listens to the event a ref names, and moves when it changes', async () => {
    const tag = newTag();
    const event = ref('article:create');
    const heard: string[] = [];
    const client = newClient();
    const on = vi.spyOn(client, 'on');
    mountWith(client, () => {
      useLiveEvent(event, (document, meta) => heard.push(`${meta.action} ${(document as Article).title}`));
      useLiveCollection(ARTICLE, byTag(tag)); // opens the connection
      return () => h('p');
    });
    await eventually(() => expect(server.subscribes(ARTICLE)).toHaveLength(1));
    const article = await publish('Heard', tag);
    await eventually(() => expect(heard).toEqual(['create Heard']));

    event.value = 'article:update';
    await rename(article.documentId, 'Heard again');
    await eventually(() => expect(heard).toEqual(['create Heard', 'update Heard again']));
    expect(on).toHaveBeenCalledTimes(2);
  });
});

describe('useLiveStatus', () => {
  it('follows the connection', async () => {
    const client = newClient();
    const wrapper = mountWith(client, () => {
      const status = useLiveStatus();
      useLiveCollection(ARTICLE, byTag(newTag()));
      return () => h('output', status.value.state);
    });
    await eventually(() => expect(wrapper.text()).toBe('connected'));
    client.close();
    await eventually(() => expect(wrapper.text()).toBe('closed'));
  });
});

describe('createLive', () => {
  it('creates a client from options and closes it when the app unmounts', async () => {
    const plugin = createLive(clientOptions());
    const wrapper = mount(
      defineComponent({
        setup() {
          expect(useLiveClient()).toBe(plugin.client);
          const { data } = useLiveCollection(ARTICLE, byTag(newTag()));
          return () => h('p', data.value ? 'loaded' : 'pending');
        },
      }),
      { global: { plugins: [plugin] } },
    );
    await eventually(() => expect(wrapper.text()).toBe('loaded'));
    expect(server.connected).toHaveLength(1);

    wrapper.unmount();
    await eventually(() => expect(server.open()).toEqual([]));
    expect(plugin.client.status.get().state).toBe('closed');
  });

  it('tells what to do when a composable runs without the plugin', () => {
    const scope = effectScope();
    expect(() => scope.run(() => useLiveStatus())).toThrow(/app\.use\(createLive/);
    scope.stop();
  });
});

describe('server rendering', () => {
  it('renders pending without connecting or fetching', async () => {
    const fetchSpy = vi.fn(globalThis.fetch);
    const client = newClient({ fetch: fetchSpy });
    const states: string[] = [];
    client.status.subscribe((status) => states.push(status.state));
    const article = await publish('Server side', newTag());
    const Page = defineComponent({
      setup() {
        const list = useLiveCollection(ARTICLE);
        const one = useLiveEntity(ARTICLE, article.documentId);
        useLiveEvent('article:create', () => {});
        const status = useLiveStatus();
        return () => h('main', [list.status.value, ' ', one.status.value, ' ', status.value.state]);
      },
    });

    const owned = createLive(clientOptions({ fetch: fetchSpy }));
    owned.client.status.subscribe((status) => states.push(status.state));

    const html = await renderToString(createSSRApp(Page).use(createLive(client)));
    const ownedHtml = await renderToString(createSSRApp(Page).use(owned));

    expect(html).toBe('<main>pending pending idle</main>');
    expect(ownedHtml).toBe(html);
    // A client that does subscribe connects and fetches meanwhile; the server-rendered one never did.
    const wrapper = mountWith(newClient(), () => () => h(Titles, { query: {} }));
    await eventually(() => expect(wrapper.find('ul').exists()).toBe(true));
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(server.subscribes(ARTICLE)).toHaveLength(1);
    // Needs a lazy client: createLiveClient must not open the socket before something subscribes.
    expect(server.connected, 'connections while server rendering').toHaveLength(1);
    expect(states).toEqual([]);
  });
});
