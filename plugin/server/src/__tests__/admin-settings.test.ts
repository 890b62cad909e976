import { beforeAll, describe, expect, it } from 'vitest';
import { connect, contentEvents, createUser, settle, useExampleApp } from 'example-strapi-app/testing';
import type { ExampleApp, Received } from 'example-strapi-app/testing';
import { adminCall, createAdminRole, loginAdmin } from './admin-helpers';

/**
 * Settings → Socket.IO over the admin API: what it shows, what it refuses (with field paths,
 * nothing saved), and what a save changes at once in the running plugin, without a restart.
 */
const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';
const COMMENT = 'api::comment.comment';

const example = useExampleApp({
  seed: false,
  ioConfig: {
    contentTypes: [{ uid: ARTICLE, populate: ['category'] }, CATEGORY],
    // Refusals in a row do not end the socket here: the rate test counts refusals.
    limits: { messagesPerSecond: 50, disconnectAfterRefused: 1000, liveQueriesPerNode: 500 },
    security: { trustProxy: false },
  },
});
let app: ExampleApp;
let superToken: string;

type Settings = {
  contentTypes: { uid: string; displayName: string; kind: string; enabled: boolean; actions: string[]; populate: unknown }[];
  security: { requireAuthentication: boolean };
  limits: Record<string, number>;
  restartRequired: Record<string, unknown>;
  sources: Record<string, 'file' | 'admin'>;
};
type Refusal = { data: null; error: { status: number; name: string; message: string; details: { errors: { path: string[]; message: string }[] } } };

const read = async () => (await adminCall<{ data: Settings }>(app.url, 'GET', '/io/settings', superToken)).body.data;
const save = (body: unknown) => adminCall<{ data: Settings }>(app.url, 'PUT', '/io/settings', superToken, body);
const stored = () => app.strapi.store({ type: 'plugin', name: 'io' }).get({ key: 'settings' });
const typeOf = (settings: Settings, uid: string) => settings.contentTypes.find((type) => type.uid === uid)!;

beforeAll(async () => {
  app = example.app;
  superToken = (await loginAdmin(app.strapi, app.url, 'super')).token;
});

const events = (received: Received[]) => contentEvents(received).map(({ event }) => event);

describe('who may use the settings routes', () => {
  it('refuses them without an admin token (401), with a users-permissions JWT (401), and to an editor without the actions (403)', async () => {
    const editor = await loginAdmin(app.strapi, app.url, 'editor');
    const user = await createUser(app.strapi);
    for (const [method, body] of [['GET', undefined], ['PUT', {}]] as const) {
      expect((await adminCall(app.url, method, '/io/settings', undefined, body)).status).toBe(401);
      expect((await adminCall(app.url, method, '/io/settings', user.jwt, body)).status).toBe(401);
      expect((await adminCall(app.url, method, '/io/settings', editor.token, body)).status).toBe(403);
    }
  });

  it('lets a role read with settings.read but not save without settings.update', async () => {
    const reader = await loginAdmin(app.strapi, app.url, await createAdminRole(app.strapi, ['plugin::io.settings.read']));
    expect((await adminCall(app.url, 'GET', '/io/settings', reader.token)).status).toBe(200);
    expect((await adminCall(app.url, 'PUT', '/io/settings', reader.token, {})).status).toBe(403);
    const writer = await loginAdmin(app.strapi, app.url, await createAdminRole(app.strapi, ['plugin::io.settings.read', 'plugin::io.settings.update']));
    expect((await adminCall(app.url, 'PUT', '/io/settings', writer.token, {})).status).toBe(200);
  });
});

describe('GET /io/settings', () => {
  it('shows every api type, the limits, what needs a restart and that all of it comes from the file', async () => {
    const settings = await read();
    expect(typeOf(settings, ARTICLE)).toEqual({ uid: ARTICLE, displayName: 'Article', kind: 'collectionType', enabled: true, actions: ['create', 'update', 'delete'], populate: ['category'] });
    expect(typeOf(settings, CATEGORY)).toMatchObject({ enabled: true, populate: null });
    expect(typeOf(settings, COMMENT)).toMatchObject({ enabled: false, actions: ['create', 'update', 'delete'], populate: null });
    expect(typeOf(settings, 'api::homepage.homepage')).toMatchObject({ kind: 'singleType', enabled: false });
    expect(settings.security).toEqual({ requireAuthentication: false });
    // messageBurst follows maxSubscriptionsPerSocket (100) + 50 when the file leaves it out.
    expect(settings.limits).toEqual({ messagesPerSecond: 50, messageBurst: 150, maxSubscriptionsPerSocket: 100, connectionsPerIp: 0, liveQueriesPerPrincipal: 1000 });
    expect(settings.restartRequired).toMatchObject({
      'limits.liveQueriesPerNode': 500,
      'limits.disconnectAfterRefused': 1000,
      'security.trustProxy': 0,
      'security.ipDenyList': [],
      redis: null,
      'socket.serverOptions': expect.any(Object),
    });
    expect(settings.sources).toMatchObject({
      contentTypes: 'file',
      [`contentTypes.${ARTICLE}`]: 'file',
      'security.requireAuthentication': 'file',
      'limits.messagesPerSecond': 'file',
    });
    expect(Object.values(settings.sources).every((source) => source === 'file')).toBe(true);
  });
});

describe('PUT /io/settings with what GET showed', () => {
  it('saves nothing: every value equals the file, so the file stays the source of all of them', async () => {
    const { contentTypes, security, limits } = await read();
    const answer = await save({ contentTypes, security, limits });
    expect(answer.status).toBe(200);
    expect(await stored()).toEqual({});
    expect(Object.values(answer.body.data.sources).every((source) => source === 'file')).toBe(true);
    expect(answer.body.data).toEqual(await read());
  });
});

describe('PUT /io/settings refuses bad input with field paths, and saves and applies nothing', () => {
  const cases: [string, unknown, string[][], RegExp?][] = [
    ['an unknown type', { contentTypes: [{ uid: 'api::nope.nope', enabled: true }] }, [['contentTypes', '0', 'uid']], /content type of this app/],
    ['an unknown action', { contentTypes: [{ uid: ARTICLE, actions: ['create', 'publish'] }] }, [['contentTypes', '0', 'actions', '1']], /one of create, update, delete/],
    ['a populate naming what the schema lacks', { contentTypes: [{ uid: ARTICLE, populate: ['nope'] }] }, [['contentTypes', '0', 'populate']], /"nope"/],
    ['a populate of a scalar field', { contentTypes: [{ uid: ARTICLE, populate: 'title' }] }, [['contentTypes', '0', 'populate']], /fields are always sent/],
    ['a populate Strapi refuses', { contentTypes: [{ uid: ARTICLE, populate: { category: { filters: { nope: { $eq: 'x' } } } } }] }, [['contentTypes', '0', 'populate']], /refused by Strapi/],
    ['a populate sorting by a related field', { contentTypes: [{ uid: CATEGORY, populate: { articles: { sort: 'category.name' } } }] }, [['contentTypes', '0', 'populate']], /related document/],
    ['true as populate', { contentTypes: [{ uid: ARTICLE, populate: true }] }, [['contentTypes', '0', 'populate']]],
    ['a populate too deep to look at', { contentTypes: [{ uid: ARTICLE, populate: JSON.parse(`${'{"category":{"populate":'.repeat(30)}"*"${'}}'.repeat(30)}`) }] }, [['contentTypes', '0', 'populate']], /nested more than/],
    ['a type listed twice', { contentTypes: [{ uid: ARTICLE }, { uid: ARTICLE }] }, [['contentTypes', '1', 'uid']], /twice/],
    ['enabled that is no boolean', { contentTypes: [{ uid: COMMENT, enabled: 'yes' }] }, [['contentTypes', '0', 'enabled']]],
    ['an unknown key of a type', { contentTypes: [{ uid: ARTICLE, colour: 'red' }] }, [['contentTypes', '0', 'colour']]],
    ['a rate of 0', { limits: { messagesPerSecond: 0 } }, [['limits', 'messagesPerSecond']], /positive number/],
    ['a burst that is no integer', { limits: { messageBurst: 1.5 } }, [['limits', 'messageBurst']], /positive integer/],
    ['a negative cap', { limits: { connectionsPerIp: -1 } }, [['limits', 'connectionsPerIp']], /non-negative integer/],
    ['a limit as a string', { limits: { maxSubscriptionsPerSocket: '5' } }, [['limits', 'maxSubscriptionsPerSocket']]],
    ['a limit that needs a restart', { limits: { liveQueriesPerNode: 5 } }, [['limits', 'liveQueriesPerNode']], /needs a restart/],
    ['a security switch that needs a restart', { security: { trustProxy: true } }, [['security', 'trustProxy']], /needs a restart/],
    ['requireAuthentication that is no boolean', { security: { requireAuthentication: 'true' } }, [['security', 'requireAuthentication']]],
    ['restartRequired', { restartRequired: { redis: { url: 'redis://x' } } }, [['restartRequired']], /needs a restart/],
    ['not an object', ['contentTypes'], [[]]],
    [
      'several errors at once, each reported',
      { contentTypes: [{ uid: ARTICLE, actions: 'all' }], limits: { messagesPerSecond: -5, messageBurst: 0 }, security: { ipAllowList: [] } },
      // In the order of the sections: contentTypes, security, limits.
      [['contentTypes', '0', 'actions'], ['security', 'ipAllowList'], ['limits', 'messagesPerSecond'], ['limits', 'messageBurst']],
    ],
  ];

  it.each(cases)('%s', async (_name, body, paths, message) => {
    const before = await read();
    const storedBefore = await stored();
    const answer = await save(body);
    expect(answer.status).toBe(400);
    const { error } = answer.body as unknown as Refusal;
    expect(error).toMatchObject({ status: 400, name: 'ValidationError' });
    expect(error.details.errors.map(({ path }) => path)).toEqual(paths);
    if (message) expect(error.details.errors[0]!.message).toMatch(message);
    expect(await stored()).toEqual(storedBefore);
    expect(await read()).toEqual(before);
  });

  it('keeps the plugin behaving as before a refused save', async () => {
    const { socket, received } = await example.listen();
    await save({ contentTypes: [{ uid: ARTICLE, actions: ['create'], populate: ['nope'] }] });
    const doc = await app.strapi.documents(ARTICLE).create({ data: { title: 'Still sent' }, status: 'published' });
    await app.strapi.documents(ARTICLE).update({ documentId: doc.documentId, data: { title: 'Still sent, updated' }, status: 'published' });
    await settle(app.strapi, socket);
    expect(events(received)).toEqual(['article:create', 'article:update']);
  });
});

describe('PUT /io/settings applies at once, without a restart', () => {
  it('stops article:update for a connected client when update is turned off, and sends it again when turned back on', async () => {
    const { socket, received } = await example.listen();
    const doc = await app.strapi.documents(ARTICLE).create({ data: { title: 'Watched' }, status: 'published' });
    const update = async (title: string) => {
      await app.strapi.documents(ARTICLE).update({ documentId: doc.documentId, data: { title }, status: 'published' });
      await settle(app.strapi, socket);
    };
    await settle(app.strapi, socket);
    received.length = 0;

    const off = await save({ contentTypes: [{ uid: ARTICLE, enabled: true, actions: ['create', 'delete'], populate: ['category'] }] });
    expect(off.status).toBe(200);
    expect(typeOf(off.body.data, ARTICLE).actions).toEqual(['create', 'delete']);
    expect(off.body.data.sources[`contentTypes.${ARTICLE}`]).toBe('admin');
    expect(await stored()).toEqual({ contentTypes: { [ARTICLE]: { enabled: true, actions: ['create', 'delete'], populate: ['category'] } } });
    await update('Not sent');
    expect(events(received)).toEqual([]);

    const on = await save({ contentTypes: [{ uid: ARTICLE, actions: ['create', 'update', 'delete'] }] });
    expect(typeOf(on.body.data, ARTICLE).actions).toEqual(['create', 'update', 'delete']);
    // Back to what the file says: the file is its source again, and nothing is kept.
    expect(on.body.data.sources[`contentTypes.${ARTICLE}`]).toBe('file');
    expect(await stored()).toEqual({});
    await update('Sent again');
    expect(contentEvents(received).map(({ event, args }) => [event, (args[0] as { title: string }).title])).toEqual([['article:update', 'Sent again']]);
  });

  it('changes the populate of the payloads at once', async () => {
    const category = await app.strapi.documents(CATEGORY).create({ data: { name: 'Populated', slug: 'populated' } });
    const { socket, received } = await example.listen();
    await save({ contentTypes: [{ uid: ARTICLE, populate: null }] });
    await app.strapi.documents(ARTICLE).create({ data: { title: 'Bare', category: category.documentId }, status: 'published' });
    await settle(app.strapi, socket);
    expect(contentEvents(received).at(-1)!.args[0]).not.toHaveProperty('category');
    await save({ contentTypes: [{ uid: ARTICLE, populate: ['category'] }] });
    await app.strapi.documents(ARTICLE).create({ data: { title: 'Dressed', category: category.documentId }, status: 'published' });
    await settle(app.strapi, socket);
    expect(contentEvents(received).at(-1)!.args[0]).toMatchObject({ title: 'Dressed', category: { name: 'Populated' } });
    expect(await stored()).toEqual({});
  });

  it('turns a type off: no more events, its collection subscriptions end with io:subscription-ended, new ones are refused; and on again', async () => {
    const { socket, received } = await example.listen();
    const subscribed = await socket.emitWithAck('subscribe', { uid: CATEGORY });
    expect(subscribed).toMatchObject({ success: true });
    const plain = await example.listen();
    const ended = new Promise<unknown>((resolve) => socket.once('io:subscription-ended', resolve));

    const off = await save({ contentTypes: [{ uid: CATEGORY, enabled: false }] });
    expect(typeOf(off.body.data, CATEGORY).enabled).toBe(false);
    expect(await ended).toEqual({ id: subscribed.id, code: 'UNKNOWN_CONTENT_TYPE', message: expect.stringMatching(/no longer sends/) });
    expect(await socket.emitWithAck('subscribe', { uid: CATEGORY })).toMatchObject({ success: false, error: { code: 'UNKNOWN_CONTENT_TYPE' } });
    await app.strapi.documents(CATEGORY).create({ data: { name: 'Unheard', slug: 'unheard' } });
    await settle(app.strapi, socket, plain.socket);
    expect(events(received)).toEqual([]);
    expect(events(plain.received)).toEqual([]);

    await save({ contentTypes: [{ uid: CATEGORY, enabled: true }] });
    expect(await stored()).toEqual({});
    await app.strapi.documents(CATEGORY).create({ data: { name: 'Heard', slug: 'heard' } });
    await settle(app.strapi, socket, plain.socket);
    // The ended socket holds no subscription any more: it is back on the broadcast.
    expect(events(received)).toEqual(['category:create']);
    expect(events(plain.received)).toEqual(['category:create']);
  });

  it('turns on a type the file does not list, with its populate checked and applied', async () => {
    const article = await app.strapi.documents(ARTICLE).create({ data: { title: 'Commented' }, status: 'published' });
    // Comments are for authenticated readers in the example app.
    const { socket, received } = await example.listen({ strategy: 'jwt', token: (await createUser(app.strapi)).jwt });
    const on = await save({ contentTypes: [{ uid: COMMENT, enabled: true, actions: ['create'], populate: ['article'] }] });
    expect(on.status).toBe(200);
    expect(on.body.data.sources[`contentTypes.${COMMENT}`]).toBe('admin');
    await app.strapi.documents(COMMENT).create({ data: { text: 'First', article: article.documentId } });
    await settle(app.strapi, socket);
    expect(contentEvents(received).map(({ event, args }) => [event, (args[0] as { article?: { title: string } }).article?.title])).toEqual([['comment:create', 'Commented']]);
    await save({ contentTypes: [{ uid: COMMENT, enabled: false }] });
    expect(await stored()).toEqual({});
  });

  it('changes the message rate of connected sockets', async () => {
    const { socket } = await example.listen();
    const burst = async (count: number) => {
      const answers = await Promise.all(Array.from({ length: count }, () => socket.timeout(5000).emitWithAck('io:ping')));
      return answers.filter((answer: { success: boolean }) => !answer.success).length;
    };
    expect(await burst(20)).toBe(0);
    const slow = await save({ limits: { messagesPerSecond: 1, messageBurst: 3 } });
    expect(slow.body.data.limits).toMatchObject({ messagesPerSecond: 1, messageBurst: 3 });
    expect(slow.body.data.sources).toMatchObject({ 'limits.messagesPerSecond': 'admin', 'limits.messageBurst': 'admin' });
    expect(await burst(10)).toBeGreaterThanOrEqual(6);
    // A new socket gets the new rate too.
    const fresh = await example.listen();
    const answers = await Promise.all(Array.from({ length: 10 }, () => fresh.socket.timeout(5000).emitWithAck('io:ping')));
    expect(answers.filter((answer: { success: boolean }) => !answer.success).length).toBeGreaterThanOrEqual(6);
    await save({ limits: { messagesPerSecond: 50, messageBurst: 150 } });
    expect(await stored()).toEqual({});
    // The emptied bucket fills at the new rate (50 a second), not at once.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await burst(5)).toBe(0);
  });

  it('changes the subscription cap per socket', async () => {
    const { socket } = await example.listen();
    await save({ limits: { maxSubscriptionsPerSocket: 1 } });
    expect(await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'one' } } })).toMatchObject({ success: true });
    expect(await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'two' } } })).toMatchObject({ success: false, error: { code: 'LIMIT_EXCEEDED' } });
    // messageBurst follows the cap when the file leaves it out, as it would in the file.
    expect((await read()).limits).toMatchObject({ maxSubscriptionsPerSocket: 1, messageBurst: 51 });
    await save({ limits: { maxSubscriptionsPerSocket: 100 } });
    expect(await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'two' } } })).toMatchObject({ success: true });
    expect(await stored()).toEqual({});
  });

  it('requires credentials: connected Public sockets are told UNAUTHORIZED and disconnected, new ones refused, users still admitted', async () => {
    const { socket, received } = await example.listen();
    const user = await createUser(app.strapi);
    const authenticated = await example.listen({ strategy: 'jwt', token: user.jwt });
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const on = await save({ security: { requireAuthentication: true } });
    expect(on.body.data.security).toEqual({ requireAuthentication: true });
    expect(on.body.data.sources['security.requireAuthentication']).toBe('admin');
    expect(await gone).toBe('io server disconnect');
    expect(received.find(({ event }) => event === 'io:error')?.args[0]).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(authenticated.socket.connected).toBe(true);
    await expect(connect(app.url)).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    expect((await example.listen({ strategy: 'jwt', token: user.jwt })).socket.connected).toBe(true);

    await save({ security: { requireAuthentication: false } });
    expect(await stored()).toEqual({});
    const again = await connect(app.url);
    expect(again.connected).toBe(true);
    again.close();
  });

  it('applies what another node saved when the cluster bus says so (the store is read again)', async () => {
    const { socket, received } = await example.listen();
    const doc = await app.strapi.documents(ARTICLE).create({ data: { title: 'Clustered' }, status: 'published' });
    await settle(app.strapi, socket);
    received.length = 0;
    // What another node's save leaves in the shared store, and the message it sends.
    await app.strapi.store({ type: 'plugin', name: 'io' }).set({ key: 'settings', value: { contentTypes: { [ARTICLE]: { enabled: true, actions: ['create'], populate: ['category'] } } } });
    const main = app.strapi.$io.server.of('/') as unknown as { _onServerSideEmit(args: unknown[]): void };
    main._onServerSideEmit(['io:settings']);
    await expect.poll(async () => typeOf(await read(), ARTICLE).actions).toEqual(['create']);
    await app.strapi.documents(ARTICLE).update({ documentId: doc.documentId, data: { title: 'Clustered, updated' }, status: 'published' });
    await settle(app.strapi, socket);
    expect(events(received)).toEqual([]);
    // A saved populate the schema no longer allows is left out, not applied.
    await app.strapi.store({ type: 'plugin', name: 'io' }).set({ key: 'settings', value: { contentTypes: { [ARTICLE]: { enabled: true, actions: ['create', 'update', 'delete'], populate: ['gone'] } }, limits: { messagesPerSecond: 40 } } });
    main._onServerSideEmit(['io:settings']);
    await expect.poll(async () => (await read()).limits.messagesPerSecond).toBe(40);
    expect(typeOf(await read(), ARTICLE)).toMatchObject({ actions: ['create', 'update', 'delete'], populate: ['category'] });
    // Whatever else the store may hold is left out too, never a crash.
    await app.strapi.store({ type: 'plugin', name: 'io' }).set({ key: 'settings', value: { contentTypes: null, security: 'on', limits: { messagesPerSecond: 30, bogus: 1 } } });
    main._onServerSideEmit(['io:settings']);
    await expect.poll(async () => (await read()).limits.messagesPerSecond).toBe(30);
    expect((await read()).security).toEqual({ requireAuthentication: false });
    await save({ limits: { messagesPerSecond: 50 } });
    expect(await stored()).toEqual({});
  });
});
