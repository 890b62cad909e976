import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createRequire } from 'node:module';
import type { Socket } from 'socket.io-client';
import {
  useExampleApp,
  connect,
  contentEvents,
  createApiToken,
  createRole,
  createUser,
  findRole,
  record,
  setRolePermissions,
  settle,
} from 'example-strapi-app/testing';
import type { ExampleApp, Received } from 'example-strapi-app/testing';

// The same library Strapi signs its JWTs with, to forge expired and foreign tokens.
const jsonwebtoken = createRequire(import.meta.url)('jsonwebtoken') as typeof import('jsonwebtoken');

const ARTICLE = 'api::article.article';
const COMMENT = 'api::comment.comment';


const example = useExampleApp({ seed: false });
const listen = example.listen;
let app: ExampleApp;

beforeAll(async () => {
  app = example.app;
});


function refusal(auth?: Record<string, unknown>, extra: Parameters<typeof connect>[1] = {}) {
  return connect(app.url, { ...(auth ? { auth } : {}), ...extra }).then(
    (socket) => {
      socket.close();
      throw new Error('connected, but should have been refused');
    },
    (error: Error & { data?: { code?: string } }) => error,
  );
}

/** Writes one article and one comment and returns the content event names each listener got. */
async function writeBoth(...listeners: { socket: Socket; received: Received[] }[]): Promise<string[][]> {
  listeners.forEach(({ received }) => (received.length = 0));
  await app.strapi.documents(ARTICLE).create({ data: { title: 'For readers', internalNotes: 'private!' }, status: 'published' });
  await app.strapi.documents(COMMENT).create({ data: { text: 'A comment' } });
  await settle(app.strapi, ...listeners.map(({ socket }) => socket));
  for (const { received } of listeners) expect(JSON.stringify(received)).not.toContain('private!');
  // Which events, not in which order: only one document's changes are ordered (README, Events),
  // and on PostgreSQL the comment's delivery may overtake the article's (its reads are fewer).
  return listeners.map(({ received }) => contentEvents(received).map(({ event }) => event).sort());
}

function disconnected(socket: Socket): Promise<{ reason: string; error?: unknown }> {
  return new Promise((resolve) => {
    let error: unknown;
    socket.on('io:error', (e: unknown) => (error = e));
    socket.on('disconnect', (reason) => resolve({ reason, error }));
  });
}

describe('who receives what', () => {
  it('each principal kind receives exactly the types its find permission covers', async () => {
    const { jwt } = await createUser(app.strapi);
    const readOnly = await createApiToken(app.strapi, 'read-only');
    const fullAccess = await createApiToken(app.strapi, 'full-access');
    const commentsOnly = await createApiToken(app.strapi, 'custom', [`${COMMENT}.find`, `${COMMENT}.findOne`]);
    const listeners = [
      await listen(),
      await listen({ strategy: 'jwt', token: jwt }),
      await listen({ strategy: 'api-token', token: readOnly.accessKey }),
      await listen({ strategy: 'api-token', token: fullAccess.accessKey }),
      await listen({ strategy: 'api-token', token: commentsOnly.accessKey }),
    ];
    expect(await writeBoth(...listeners)).toEqual([
      ['article:create'],
      ['article:create', 'comment:create'],
      ['article:create', 'comment:create'],
      ['article:create', 'comment:create'],
      ['comment:create'],
    ]);
  });

  it('needs find, not write rights: a role that may only create receives nothing', async () => {
    const role = await createRole(app.strapi, [`${ARTICLE}.create`, `${ARTICLE}.update`, `${COMMENT}.create`]);
    const { jwt } = await createUser(app.strapi, { roleId: role.id });
    expect(await writeBoth(await listen({ strategy: 'jwt', token: jwt }))).toEqual([[]]);
  });

  it('sanitizes once per principal group, not once per socket', async () => {
    const { jwt } = await createUser(app.strapi);
    const listeners = [await listen(), await listen(), await listen(), await listen({ strategy: 'jwt', token: jwt }), await listen({ strategy: 'jwt', token: jwt })];
    const before = app.strapi.$io.stats().sanitized;
    await app.strapi.documents(ARTICLE).create({ data: { title: 'Counted' }, status: 'published' });
    await settle(app.strapi, ...listeners.map(({ socket }) => socket));
    expect(app.strapi.$io.stats().sanitized - before).toBe(2);
    for (const { received } of listeners) expect(contentEvents(received)).toHaveLength(1);
  });
});

describe('refused handshakes', () => {
  it('an invalid JWT is refused with a reason, never downgraded to Public', async () => {
    const error = await refusal({ strategy: 'jwt', token: 'not.a.jwt' });
    expect(error.message).toMatch(/JWT refused/);
    expect(error.data?.code).toBe('UNAUTHORIZED');
    const forged = jsonwebtoken.sign({ id: 1 }, 'some-other-secret');
    expect((await refusal({ strategy: 'jwt', token: forged })).message).toMatch(/JWT refused/);
  });

  it('an expired JWT is refused as expired', async () => {
    const { id } = await createUser(app.strapi);
    const secret = app.strapi.config.get('plugin::users-permissions.jwtSecret') as string;
    const expired = jsonwebtoken.sign({ id, exp: Math.floor(Date.now() / 1000) - 60 }, secret);
    expect((await refusal({ strategy: 'jwt', token: expired })).message).toMatch(/JWT expired/);
  });

  it('blocked users are refused, and unconfirmed ones when email confirmation is required', async () => {
    const blocked = await createUser(app.strapi, { blocked: true });
    expect((await refusal({ strategy: 'jwt', token: blocked.jwt })).message).toMatch(/JWT refused/);

    const store = app.strapi.store({ type: 'plugin', name: 'users-permissions' });
    const advanced = (await store.get({ key: 'advanced' })) as Record<string, unknown>;
    await store.set({ key: 'advanced', value: { ...advanced, email_confirmation: true } });
    try {
      const unconfirmed = await createUser(app.strapi, { confirmed: false });
      expect((await refusal({ strategy: 'jwt', token: unconfirmed.jwt })).message).toMatch(/JWT refused/);
    } finally {
      await store.set({ key: 'advanced', value: advanced });
    }
  });

  it('an unknown or expired API token is refused with a reason', async () => {
    expect((await refusal({ strategy: 'api-token', token: 'f'.repeat(64) })).message).toMatch(/API token refused: unknown or revoked/);
    const token = await createApiToken(app.strapi, 'read-only');
    await app.strapi.db.query('admin::api-token').update({ where: { id: token.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await refusal({ strategy: 'api-token', token: token.accessKey })).message).toMatch(/expired/i);
  });

  it('a token in the query string is refused', async () => {
    const { jwt } = await createUser(app.strapi);
    const error = await refusal(undefined, { query: { token: jwt } });
    expect(error.message).toMatch(/query string/);
  });

  it('malformed auth is refused, not treated as Public', async () => {
    expect((await refusal({ strategy: 'oauth', token: 'abc' })).message).toMatch(/Unknown auth strategy/);
    expect((await refusal({ strategy: 'jwt', token: '' })).message).toMatch(/non-empty token/);
    expect((await refusal({ strategy: 'jwt', token: 'x'.repeat(10_000) })).message).toMatch(/non-empty token/);
  });
});

describe('rights change while connected', () => {
  it('a JWT that expires ends the session when it expires', async () => {
    const { id } = await createUser(app.strapi);
    const secret = app.strapi.config.get('plugin::users-permissions.jwtSecret') as string;
    const shortLived = jsonwebtoken.sign({ id, exp: Math.floor(Date.now() / 1000) + 2 }, secret);
    const { socket } = await listen({ strategy: 'jwt', token: shortLived });
    const { reason, error } = await disconnected(socket);
    expect(reason).toBe('io server disconnect');
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/expired/) });
  });

  it('blocking a connected user disconnects it at once', async () => {
    const { id, jwt } = await createUser(app.strapi);
    const { socket } = await listen({ strategy: 'jwt', token: jwt });
    const ended = disconnected(socket);
    await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id }, data: { blocked: true } });
    expect((await ended).reason).toBe('io server disconnect');
  });

  it("editing a connected user's profile (in a transaction) keeps its sockets; blocking it in one ends them after the commit", async () => {
    const { id, jwt } = await createUser(app.strapi);
    const { socket } = await listen({ strategy: 'jwt', token: jwt });
    await app.strapi.db.transaction(async () => {
      await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id }, data: { username: `renamed-${id}` } });
    });
    await app.strapi.$io.idle();
    await settle(app.strapi, socket);
    expect(socket.connected, 'still connected after a username change').toBe(true);

    const ended = disconnected(socket);
    await app.strapi.db.transaction(async () => {
      await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id }, data: { blocked: true } });
    });
    expect((await ended).reason).toBe('io server disconnect');
  });

  it("sockets of an app's own namespace are refused and ended like the others", async () => {
    app.strapi.$io.server.of('/dashboard');
    await expect(connect(`${app.url}/dashboard`, { auth: { strategy: 'jwt', token: 'not.a.jwt' } })).rejects.toThrow(/JWT refused/);
    const { id, jwt } = await createUser(app.strapi);
    const socket = await connect(`${app.url}/dashboard`, { auth: { strategy: 'jwt', token: jwt } });
    onTestFinished(() => {
      socket.close();
    });
    const ended = disconnected(socket);
    await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id }, data: { blocked: true } });
    expect((await ended).reason).toBe('io server disconnect');
  });

  it('revoking an API token disconnects its sockets', async () => {
    const token = await createApiToken(app.strapi, 'read-only');
    const { socket } = await listen({ strategy: 'api-token', token: token.accessKey });
    const ended = disconnected(socket);
    await app.strapi.service('admin::api-token').revoke(token.id);
    expect((await ended).reason).toBe('io server disconnect');
  });

  it('removing and granting find on a role takes effect without reconnecting', async () => {
    const role = await createRole(app.strapi, [`${ARTICLE}.find`, `${ARTICLE}.findOne`]);
    const { jwt } = await createUser(app.strapi, { roleId: role.id });
    const listener = await listen({ strategy: 'jwt', token: jwt });
    expect(await writeBoth(listener)).toEqual([['article:create']]);
    await setRolePermissions(app.strapi, role.id, [`${COMMENT}.find`]);
    expect(await writeBoth(listener)).toEqual([['comment:create']]);
  });

  it("a user moved to another role reads with the new role's rights", async () => {
    const { id, jwt } = await createUser(app.strapi);
    const listener = await listen({ strategy: 'jwt', token: jwt });
    expect(await writeBoth(listener)).toEqual([['article:create', 'comment:create']]);
    const readsNothing = await createRole(app.strapi, []);
    await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id }, data: { role: readsNothing.id } });
    await app.strapi.$io.idle();
    expect(await writeBoth(listener)).toEqual([[]]);
    const authenticated = await findRole(app.strapi, 'authenticated');
    await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id }, data: { role: authenticated.id } });
    await app.strapi.$io.idle();
    expect(await writeBoth(listener)).toEqual([['article:create', 'comment:create']]);
  });
});
