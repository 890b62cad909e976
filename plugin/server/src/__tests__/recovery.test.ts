import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { bootExampleApp, connect, contentEvents, createApiToken, createRole, createUser, record, setRolePermissions, settle } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';

const ARTICLE = 'api::article.article';
let app: ExampleApp;

beforeAll(async () => {
  // The app sets its own recovery window, as the seed's production config does with server options:
  // recovered sockets must still be authenticated again (Socket.IO's default would skip that).
  app = await bootExampleApp({
    seed: false,
    ioConfig: {
      contentTypes: [{ uid: ARTICLE, populate: ['category'] }],
      socket: { serverOptions: { connectionStateRecovery: { maxDisconnectionDuration: 30_000 } } },
    },
  });
});
afterAll(async () => {
  await app?.stop();
});

/**
 * Drops the transport (as a network failure would), runs `whileAway`, then reconnects. Socket.IO
 * recovers only a socket that has received at least one event (it resumes from that offset), so
 * one is sent first.
 */
async function dropAndReturn(socket: Socket, whileAway: () => Promise<void>): Promise<void> {
  const hello = new Promise((resolve) => socket.once('hello', resolve));
  app.strapi.$io.sendPrivateMessage(socket.id!, 'hello', 1);
  await hello;
  const id = socket.id!;
  socket.io.reconnection(false);
  const gone = new Promise((resolve) => socket.once('disconnect', resolve));
  socket.io.engine.close();
  await gone;
  // The server must have seen it go: events written now find nobody connected in its rooms.
  await expect.poll(() => app.strapi.$io.server.of('/').sockets.has(id)).toBe(false);
  await whileAway();
  const back = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.connect();
  await back;
}

describe('connection state recovery', () => {
  it('replays what a briefly disconnected socket missed, for its subscriptions and its broadcast', async () => {
    const subscriber = await connect(app.url);
    const subscribed = record(subscriber);
    const { id } = await subscriber.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $startsWith: 'Missed' } } });
    const broadcast = await connect(app.url);
    const broadcasted = record(broadcast);
    // Only these two sockets exist: while they are away nobody connected wants these rooms.
    let documentId = '';
    const away = async () => {
      documentId = (await app.strapi.documents(ARTICLE).create({ data: { title: 'Missed one' }, status: 'published' })).documentId;
      await app.strapi.documents(ARTICLE).update({ documentId, data: { title: 'Gone elsewhere' }, status: 'published' });
      await app.strapi.$io.idle();
    };
    await dropAndReturn(subscriber, async () => dropAndReturn(broadcast, away));
    await settle(app.strapi, subscriber, broadcast);

    expect(subscriber.recovered).toBe(true);
    expect(broadcast.recovered).toBe(true);
    expect(contentEvents(subscribed).map(({ event, args }) => [event, (args[1] as { subscription?: string }).subscription])).toEqual([
      ['article:create', id],
      ['article:delete', id],
    ]);
    expect(contentEvents(broadcasted).map(({ event }) => event)).toEqual(['article:create', 'article:update']);
    expect(subscribed.filter(({ event }) => event === 'hello')).toHaveLength(1);
    // The recovered session goes on numbering its subscriptions where it was: no id is given twice.
    const next = await subscriber.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $startsWith: 'Later' } } });
    expect(next.success && next.id).not.toBe(id);
    subscriber.close();
    broadcast.close();
  });

  it('replays what was sent while the recovering socket was being authenticated', async () => {
    const socket = await connect(app.url);
    const received = record(socket);
    const { id } = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $startsWith: 'During auth' } } });
    // A slow middleware of the app's (a second authentication, a rate limiter...): recovering
    // sockets wait in it while a write is delivered. Socket.IO has already restored the session by
    // then; the events of that write must not be lost.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let waiting = () => {};
    const reached = new Promise<void>((resolve) => (waiting = resolve));
    app.strapi.$io.server.use((handshakeSocket, next) => {
      if (!(handshakeSocket.handshake.auth as { pid?: string }).pid) return next();
      waiting();
      void held.then(() => next());
    });
    const back = dropAndReturn(socket, async () => {});
    await reached;
    const { documentId } = await app.strapi.documents(ARTICLE).create({ data: { title: 'During auth' }, status: 'published' });
    await app.strapi.$io.idle();
    release();
    await back;
    await settle(app.strapi, socket);
    expect(socket.recovered).toBe(true);
    expect(contentEvents(received).map(({ event, args }) => [event, (args[0] as { documentId: string }).documentId, (args[1] as { subscription?: string }).subscription])).toEqual([
      ['article:create', documentId, id],
    ]);
    socket.close();
  });

  it('checks credentials again on recovery', async () => {
    const socket = await connect(app.url);
    await dropAndReturn(socket, async () => {});
    expect(socket.recovered).toBe(true);
    expect((await app.strapi.$io.getSocketsInRoom(socket.id!))[0]?.principal).toEqual({ kind: 'public' });
    socket.close();
  });
});

describe('access at replay time', () => {
  it('does not replay what the principal may no longer read', async () => {
    const role = await createRole(app.strapi, [`${ARTICLE}.find`, `${ARTICLE}.findOne`]);
    const { jwt } = await createUser(app.strapi, { roleId: role.id });
    const socket = await connect(app.url, { auth: { strategy: 'jwt', token: jwt } });
    const received = record(socket);
    expect(await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $startsWith: 'Revoked' } } })).toMatchObject({ success: true });
    await dropAndReturn(socket, async () => {
      // Readable when written, no longer when the socket comes back.
      await app.strapi.documents(ARTICLE).create({ data: { title: 'Revoked while away' }, status: 'published' });
      await app.strapi.$io.idle();
      await setRolePermissions(app.strapi, role.id, [`${ARTICLE}.findOne`]);
    });
    await settle(app.strapi, socket);
    expect(socket.recovered).toBe(true);
    expect(contentEvents(received)).toEqual([]);
    socket.close();
  });

  it('writes nothing to a socket whose token was revoked while it was away', async () => {
    const token = await createApiToken(app.strapi, 'read-only');
    const socket = await connect(app.url, { auth: { strategy: 'api-token', token: token.accessKey } });
    const received = record(socket);
    expect(await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $startsWith: 'Token gone' } } })).toMatchObject({ success: true });
    const hello = new Promise((resolve) => socket.once('hello', resolve));
    app.strapi.$io.sendPrivateMessage(socket.id!, 'hello', 1);
    await hello;
    socket.io.reconnection(false);
    const gone = new Promise((resolve) => socket.once('disconnect', resolve));
    socket.io.engine.close();
    await gone;
    await app.strapi.documents(ARTICLE).create({ data: { title: 'Token gone, article made' }, status: 'published' });
    await app.strapi.$io.idle();
    await app.strapi.service('admin::api-token').revoke(token.id);
    const refused = new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    socket.connect();
    expect((await refused).message).toMatch(/token/i);
    expect(contentEvents(received)).toEqual([]);
    socket.close();
  });
});

describe('sessions that must not come back', () => {
  it('a socket ended by the server after it recovered once starts a new session when it reconnects', async () => {
    const socket = await connect(app.url);
    const received = record(socket);
    await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $eq: 'Stale' } } });
    await dropAndReturn(socket, async () => {});
    expect(socket.recovered).toBe(true);

    const ended = new Promise((resolve) => socket.once('disconnect', resolve));
    await app.strapi.$io.disconnectSocket(socket.id!, 'Kicked');
    expect(await ended).toBe('io server disconnect');
    // Written while nobody may recover the old session: it must not come back without these.
    await app.strapi.documents(ARTICLE).create({ data: { title: 'Stale' }, status: 'published' });
    await app.strapi.$io.idle();
    const back = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.connect();
    await back;
    expect(socket.recovered).toBe(false);
    await settle(app.strapi, socket);
    // A new session starts in the broadcast: it did not get the old subscription's rooms back.
    expect((await app.strapi.$io.getEntitySubscriptions(socket.id!))).toEqual([]);
    expect(contentEvents(received)).toEqual([]);
    socket.close();
  });
});
