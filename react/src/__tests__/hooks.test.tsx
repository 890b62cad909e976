import { StrictMode } from 'react';
import type { ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { cleanup, configure, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLiveClient } from '@strapi-live/client';
import type { CollectionOptions, LiveClient, LiveClientOptions } from '@strapi-live/client';
import { bootExampleApp, countAnimationFrames, spyOnServer } from 'example-strapi-app/testing';
import type { ExampleApp, ServerSpy } from 'example-strapi-app/testing';
import { LiveProvider, useLiveClient, useLiveCollection, useLiveEntity, useLiveEvent, useLiveSingle, useLiveStatus } from '../index';

const ARTICLE = 'api::article.article';

interface Article {
  documentId: string;
  title: string;
  body: string | null;
}

configure({ asyncUtilTimeout: 10_000 });

let app: ExampleApp;
let server: ServerSpy;
const clients: LiveClient[] = [];
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
  cleanup();
  clients.splice(0).forEach((client) => client.close());
  await waitFor(() => expect(server.open()).toEqual([]));
});

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

/** A tag unique to one test: its articles carry it as `body`, and its queries filter on it. */
const newTag = () => `tag-${Date.now().toString(36)}-${tagCount++}`;
const byTag = (tag: string): CollectionOptions => ({ filters: { body: { $eq: tag } }, sort: 'title' });

const articles = () => app.strapi.documents(ARTICLE as never);
const publish = async (title: string, body: string): Promise<Article> =>
  (await articles().create({ data: { title, body }, status: 'published' } as never)) as unknown as Article;
const rename = (documentId: string, title: string) => articles().update({ documentId, data: { title }, status: 'published' } as never);

const shownTitles = () => screen.queryAllByRole('listitem').map((item) => item.textContent);

function Titles({ query }: { query: CollectionOptions }) {
  const { data, status, error } = useLiveCollection<Article>(ARTICLE, query);
  if (status === 'error') return <p>error: {error?.message}</p>;
  if (!data) return <p>{status}</p>;
  return (
    <ul>
      {data.map((article) => (
        <li key={article.documentId}>{article.title}</li>
      ))}
    </ul>
  );
}

function Headline({ id }: { id: string }) {
  const { data, status } = useLiveEntity<Article>(ARTICLE, id);
  if (status !== 'success') return <p>{status}</p>;
  return <h1>{data ? data.title : 'gone'}</h1>;
}

const withClient = (client: LiveClient, children: ReactNode) => <LiveProvider client={client}>{children}</LiveProvider>;

describe('useLiveCollection', () => {
  it('renders the documents of the query, then follows updates, creates and deletes', async () => {
    const tag = newTag();
    const a = await publish('A first', tag);
    await publish('B second', tag);
    await publish('Z not matching', `${tag}-other`);
    render(withClient(newClient(), <Titles query={byTag(tag)} />));

    expect(screen.getByText('pending')).toBeTruthy();
    await waitFor(() => expect(shownTitles()).toEqual(['A first', 'B second']));

    await rename(a.documentId, 'C renamed');
    await waitFor(() => expect(shownTitles()).toEqual(['B second', 'C renamed']));

    const created = await publish('A newcomer', tag);
    await waitFor(() => expect(shownTitles()).toEqual(['A newcomer', 'B second', 'C renamed']));

    await articles().delete({ documentId: created.documentId } as never);
    await waitFor(() => expect(shownTitles()).toEqual(['B second', 'C renamed']));
  });

  it('costs one server subscription under StrictMode, and unsubscribes on unmount', async () => {
    const tag = newTag();
    await publish('Strict', tag);
    const view = render(<StrictMode>{withClient(newClient(), <Titles query={byTag(tag)} />)}</StrictMode>);
    await waitFor(() => expect(shownTitles()).toEqual(['Strict']));
    // A write that shows up proves the subscription is in place; any second subscribe would precede it.
    await publish('Strict two', tag);
    await waitFor(() => expect(shownTitles()).toEqual(['Strict', 'Strict two']));

    expect(server.connected).toHaveLength(1);
    expect(server.subscribes(ARTICLE)).toHaveLength(1);
    expect(server.subscribes(ARTICLE)[0]!.payload).toEqual({ uid: ARTICLE, filters: { body: { $eq: tag } } });
    expect(server.unsubscribes()).toEqual([]);

    view.unmount();
    await waitFor(() => expect(server.unsubscribes()).toHaveLength(1));
    expect(server.subscribes(ARTICLE)).toHaveLength(1);
  });

  it('costs one server subscription when StrictMode mounts it on a client that is already connected', async () => {
    const first = newTag();
    const second = newTag();
    await publish('Already', first);
    await publish('Before', second);
    const client = newClient();
    render(withClient(client, <Titles query={byTag(first)} />));
    await waitFor(() => expect(shownTitles()).toEqual(['Already']));

    // Mount, unmount, mount again within one commit: the subscribe is already on the wire.
    render(<StrictMode>{withClient(client, <Titles query={byTag(second)} />)}</StrictMode>);
    await waitFor(() => expect(shownTitles()).toEqual(['Already', 'Before']));
    // Read and subscribed: this one can only arrive as an event of the surviving subscription.
    await publish('Later', second);
    await waitFor(() => expect(shownTitles()).toEqual(['Already', 'Before', 'Later']));
    expect(server.subscribes(ARTICLE).map((m) => m.payload)).toEqual([
      { uid: ARTICLE, filters: { body: { $eq: first } } },
      { uid: ARTICLE, filters: { body: { $eq: second } } },
    ]);
    expect(server.unsubscribes()).toEqual([]);
  });

  it('does not resubscribe for an equal query written inline, and does for a different one', async () => {
    const first = newTag();
    const second = newTag();
    await publish('In first', first);
    await publish('In second', second);
    const client = newClient();
    const collection = vi.spyOn(client, 'collection');
    // A new query object (keys in another order) on every render.
    const Inline = ({ tag, render: n }: { tag: string; render: number }) => (
      <>
        <Titles query={{ sort: 'title', filters: { body: { $eq: tag } } }} />
        <span>render {n}</span>
      </>
    );
    const view = render(withClient(client, <Inline tag={first} render={1} />));
    await waitFor(() => expect(shownTitles()).toEqual(['In first']));
    view.rerender(withClient(client, <Inline tag={first} render={2} />));
    view.rerender(withClient(client, <Inline tag={first} render={3} />));
    expect(screen.getByText('render 3')).toBeTruthy();
    expect(collection).toHaveBeenCalledTimes(1);

    view.rerender(withClient(client, <Inline tag={second} render={4} />));
    await waitFor(() => expect(shownTitles()).toEqual(['In second']));
    expect(collection).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(server.unsubscribes()).toHaveLength(1));
    expect(server.subscribes(ARTICLE).map((m) => m.payload)).toEqual([
      { uid: ARTICLE, filters: { body: { $eq: first } } },
      { uid: ARTICLE, filters: { body: { $eq: second } } },
    ]);
  });
});

describe('rendering under a stream of events', () => {
  it('renders at most once per animation frame, and shows every event applied', async () => {
    expect(typeof requestAnimationFrame).toBe('function');
    const tag = newTag();
    const docs = await Promise.all(['A', 'B', 'C', 'D'].map((title) => publish(title, tag)));
    let renders = 0;
    function Counted({ query }: { query: CollectionOptions }) {
      const { data } = useLiveCollection<Article>(ARTICLE, query);
      renders += 1;
      return <ul>{data?.map((article) => <li key={article.documentId}>{article.title}</li>)}</ul>;
    }
    const client = newClient();
    render(withClient(client, <Counted query={byTag(tag)} />));
    await waitFor(() => expect(shownTitles()).toEqual(['A', 'B', 'C', 'D']));

    // Count the frames while 60 updates arrive, each in its own task.
    const frames = countAnimationFrames();
    renders = 0;
    let events = 0;
    client.socket.on('article:update', () => (events += 1));
    for (let i = 0; i < 60; i += 1) await rename(docs[i % 4]!.documentId, `${'ABCD'[i % 4]}${i}`);
    await waitFor(() => expect(shownTitles()).toEqual(['A56', 'B57', 'C58', 'D59']));
    frames.stop();
    console.info(`60 updates: ${events} events, ${renders} renders over ${frames.frames} animation frames`);
    expect(events).toBe(60);
    // At most one render per frame (plus the one that may be under way as counting starts).
    expect(renders).toBeLessThanOrEqual(frames.frames + 1);
  });
});

describe('useLiveEntity', () => {
  it('renders one document, follows its updates, and shows null once it is deleted', async () => {
    const article = await publish('Entity one', newTag());
    render(withClient(newClient(), <Headline id={article.documentId} />));
    expect(await screen.findByRole('heading', { name: 'Entity one' })).toBeTruthy();

    await rename(article.documentId, 'Entity renamed');
    expect(await screen.findByRole('heading', { name: 'Entity renamed' })).toBeTruthy();

    await articles().delete({ documentId: article.documentId } as never);
    expect(await screen.findByRole('heading', { name: 'gone' })).toBeTruthy();
  });

  it('costs one server subscription under StrictMode, and unsubscribes on unmount', async () => {
    const article = await publish('Entity strict', newTag());
    const view = render(<StrictMode>{withClient(newClient(), <Headline id={article.documentId} />)}</StrictMode>);
    expect(await screen.findByRole('heading', { name: 'Entity strict' })).toBeTruthy();
    await rename(article.documentId, 'Entity strict 2');
    expect(await screen.findByRole('heading', { name: 'Entity strict 2' })).toBeTruthy();
    expect(server.subscribes(ARTICLE)).toHaveLength(1);

    view.unmount();
    await waitFor(() => expect(server.unsubscribes()).toHaveLength(1));
  });
});

const HOMEPAGE = 'api::homepage.homepage';
const ANNOUNCEMENT = 'api::announcement.announcement';
const PAGE = 'api::page.page';

function Hero({ locale }: { locale: string }) {
  // A new query object on every render: compared by value.
  const { data, status } = useLiveSingle<{ documentId: string; headline: string }>(HOMEPAGE, { locale });
  if (status !== 'success') return <p>{status}</p>;
  return <h1>{data ? data.headline : 'none'}</h1>;
}

describe('useLiveSingle', () => {
  it('shows the entry of its locale, follows it, and subscribes once more (and only once) when the locale changes', async () => {
    const homepages = app.strapi.documents(HOMEPAGE as never);
    const { documentId } = (await homepages.create({ locale: 'en', data: { headline: 'Welcome' }, status: 'published' } as never)) as unknown as Article;
    await homepages.update({ documentId, locale: 'fr', data: { headline: 'Bienvenue' }, status: 'published' } as never);
    const client = newClient();
    const single = vi.spyOn(client, 'single');
    const view = render(<StrictMode>{withClient(client, <Hero locale="en" />)}</StrictMode>);
    expect(await screen.findByRole('heading', { name: 'Welcome' })).toBeTruthy();
    await homepages.update({ documentId, locale: 'en', data: { headline: 'Welcome back' }, status: 'published' } as never);
    expect(await screen.findByRole('heading', { name: 'Welcome back' })).toBeTruthy();
    const calls = single.mock.calls.length;
    view.rerender(<StrictMode>{withClient(client, <Hero locale="en" />)}</StrictMode>);

    view.rerender(<StrictMode>{withClient(client, <Hero locale="fr" />)}</StrictMode>);
    expect(await screen.findByRole('heading', { name: 'Bienvenue' })).toBeTruthy();
    await homepages.update({ documentId, locale: 'fr', data: { headline: 'Bienvenue à nouveau' }, status: 'published' } as never);
    expect(await screen.findByRole('heading', { name: 'Bienvenue à nouveau' })).toBeTruthy();
    await waitFor(() => expect(server.unsubscribes()).toHaveLength(1));
    expect(server.subscribes(HOMEPAGE).map((m) => m.payload)).toEqual([
      { uid: HOMEPAGE, locale: 'en' },
      { uid: HOMEPAGE, locale: 'fr' },
    ]);
    // New observers for the new locale only (StrictMode may make one per render), none for an equal query.
    expect(new Set(single.mock.calls.slice(calls).map(([, query]) => query?.locale))).toEqual(new Set(['fr']));
  });

  it('shows null while the single type has no entry, then the entry once it is created', async () => {
    const Banner = () => {
      const { data, status } = useLiveSingle<{ documentId: string; message: string }>(ANNOUNCEMENT);
      if (status !== 'success') return <p>{status}</p>;
      return <h2>{data ? data.message : 'no announcement'}</h2>;
    };
    render(withClient(newClient(), <Banner />));
    expect(await screen.findByRole('heading', { name: 'no announcement' })).toBeTruthy();
    await app.strapi.documents(ANNOUNCEMENT as never).create({ data: { message: 'Maintenance at noon', level: 'warning', active: true } } as never);
    expect(await screen.findByRole('heading', { name: 'Maintenance at noon' })).toBeTruthy();
  });
});

describe('useLiveCollection with a locale', () => {
  it('subscribes once more, and only once, when the locale changes', async () => {
    const pages = app.strapi.documents(PAGE as never);
    const { documentId } = (await pages.create({ locale: 'en', data: { title: 'About', slug: 'about' }, status: 'published' } as never)) as unknown as Article;
    await pages.update({ documentId, locale: 'de', data: { title: 'Über uns', slug: 'ueber-uns' }, status: 'published' } as never);
    const Pages = ({ locale }: { locale: string }) => {
      const { data } = useLiveCollection<Article>(PAGE, { locale, sort: 'title' });
      return data ? <ul>{data.map((page) => <li key={page.documentId}>{page.title}</li>)}</ul> : <p>pending</p>;
    };
    const client = newClient();
    const view = render(withClient(client, <Pages locale="en" />));
    await waitFor(() => expect(shownTitles()).toEqual(['About']));
    view.rerender(withClient(client, <Pages locale="de" />));
    await waitFor(() => expect(shownTitles()).toEqual(['Über uns']));
    await waitFor(() => expect(server.unsubscribes()).toHaveLength(1));
    expect(server.subscribes(PAGE).map((m) => m.payload)).toEqual([
      { uid: PAGE, locale: 'en' },
      { uid: PAGE, locale: 'de' },
    ]);
  });
});

describe('useLiveEvent', () => {
  it('calls the latest handler for each event, without subscribing again when the handler changes', async () => {
    const tag = newTag();
    const client = newClient();
    const on = vi.spyOn(client, 'on');
    const firstHandler: string[] = [];
    const secondHandler: string[] = [];
    const Listener = ({ into }: { into: string[] }) => {
      useLiveEvent('article:create', (document: unknown) => {
        into.push((document as Article).title);
      });
      // Something must open the connection: a live list does.
      return <Titles query={byTag(tag)} />;
    };
    const view = render(withClient(client, <Listener into={firstHandler} />));
    await screen.findByRole('list');

    await publish('Event one', tag);
    await waitFor(() => expect(firstHandler).toContain('Event one'));
    view.rerender(withClient(client, <Listener into={secondHandler} />));
    await publish('Event two', tag);
    await waitFor(() => expect(secondHandler).toContain('Event two'));

    expect(firstHandler).not.toContain('Event two');
    expect(on).toHaveBeenCalledTimes(1);
  });
});

describe('useLiveStatus', () => {
  it('re-renders as the connection opens and closes', async () => {
    const client = newClient();
    const Status = () => <output>{useLiveStatus().state}</output>;
    render(withClient(client, <><Status /><Titles query={byTag(newTag())} /></>));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('connected'));
    client.close();
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('closed'));
  });
});

describe('LiveProvider', () => {
  it('creates a client from options, shares it with useLiveClient, and closes it on unmount', async () => {
    const seen: LiveClient[] = [];
    const Probe = () => {
      seen.push(useLiveClient());
      return <Titles query={byTag(newTag())} />;
    };
    const view = render(
      <StrictMode>
        <LiveProvider options={clientOptions()}>
          <Probe />
        </LiveProvider>
      </StrictMode>,
    );
    await screen.findByRole('list');
    expect(new Set(seen).size).toBe(1);
    // StrictMode calls the useState initializer twice: the client it drops must not have connected.
    expect(server.connected, 'connections of the provider').toHaveLength(1);

    view.unmount();
    await waitFor(() => expect(server.open()).toEqual([]));
    expect(seen[0]!.status.get().state).toBe('closed');
  });

  it('throws a clear error when a hook is used outside of it', () => {
    const Orphan = () => <Titles query={{}} />;
    // React also reports the error it rethrows; keep the output quiet.
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(() => render(<Orphan />)).toThrow(/LiveProvider/);
    } finally {
      consoleError.mockRestore();
    }
  });
});

describe('server rendering', () => {
  it('renders pending without connecting or fetching', async () => {
    const fetchSpy = vi.fn(globalThis.fetch);
    const client = newClient({ fetch: fetchSpy });
    const states: string[] = [];
    client.status.subscribe((status) => states.push(status.state));
    const article = await publish('Server side', newTag());
    const Page = () => {
      const status = useLiveStatus();
      return (
        <main>
          <Titles query={{}} />
          <Headline id={article.documentId} />
          <span>{status.state}</span>
        </main>
      );
    };

    const html = renderToString(withClient(client, <Page />));
    const ownedHtml = renderToString(
      <LiveProvider options={clientOptions({ fetch: fetchSpy })}>
        <Page />
      </LiveProvider>,
    );

    expect(html).toBe('<main><p>pending</p><p>pending</p><span>idle</span></main>');
    expect(ownedHtml).toBe(html);
    // A client that does subscribe connects and fetches meanwhile; the server-rendered ones never did.
    render(withClient(newClient(), <Titles query={{}} />));
    expect(await screen.findByRole('list')).toBeTruthy();
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(server.subscribes(ARTICLE)).toHaveLength(1);
    // Needs a lazy client: createLiveClient must not open the socket before something subscribes.
    expect(server.connected, 'connections while server rendering').toHaveLength(1);
    expect(states).toEqual([]);
  });
});
