import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { request } from 'node:http';
import { useExampleApp, connect, contentEvents, createUser, record, settle } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';

const ARTICLE = 'api::article.article';
const COMMENT = 'api::comment.comment';

const calls: string[] = [];

const example = useExampleApp({
    seed: false,
    ioConfig: {
      contentTypes: [
        { uid: ARTICLE, actions: ['create', 'delete'], populate: [] },
        { uid: COMMENT, actions: ['create'], populate: ['article'] },
      ],
      socket: { serverOptions: { pingTimeout: 60000, pingInterval: 25000 } },
      events: [
        { name: 'connection', handler: ({ strapi }: { strapi: unknown }, socket: { id: string }) => calls.push(`connection:${Boolean(strapi)}:${socket.id}`) },
        { name: 'disconnect', handler: (_: unknown, socket: { id: string }) => calls.push(`disconnect:${socket.id}`) },
        { name: 'chat', handler: (_: unknown, socket: { emit(e: string, d: unknown): void }, text: string) => socket.emit('chat:echo', text.toUpperCase()) },
        { name: 'boom', handler: () => Promise.reject(new Error('handler failure')) },
      ],
      hooks: { init: ({ $io }: { $io: { server: unknown } }) => calls.push(`init:${Boolean($io.server)}`) },
    },
  });
const listen = example.listen;
let app: ExampleApp;

beforeAll(async () => {
  app = example.app;
});


describe('config from config/plugins', () => {
  it('runs hooks.init once and the connection, disconnect and custom event handlers', async () => {
    expect(calls.filter((c) => c.startsWith('init:'))).toEqual(['init:true']);
    const { socket, received } = await listen();
    const id = socket.id!;
    const echo = new Promise((resolve) => socket.once('chat:echo', resolve));
    socket.emit('chat', 'hi');
    expect(await echo).toBe('HI');
    socket.emit('boom');
    await settle(app.strapi, socket);
    expect(received.some(({ event }) => event === 'chat:echo')).toBe(true);
    socket.close();
    await new Promise((resolve) => setImmediate(resolve));
    await app.strapi.$io.idle();
    expect(calls).toContain(`connection:true:${id}`);
    await expect.poll(() => calls).toContain(`disconnect:${id}`);
  });

  it('sends only the configured actions, with the configured populate', async () => {
    const { jwt } = await createUser(app.strapi);
    const { socket, received } = await listen({ strategy: 'jwt', token: jwt });
    const article = await app.strapi.documents(ARTICLE).create({ data: { title: 'Only create and delete' }, status: 'published' });
    await app.strapi.documents(ARTICLE).update({ documentId: article.documentId, data: { title: 'No update event' }, status: 'published' });
    const comment = await app.strapi.documents(COMMENT).create({ data: { text: 'populated', article: article.documentId } });
    await app.strapi.$io.idle();
    await app.strapi.documents(COMMENT).delete({ documentId: comment.documentId });
    await app.strapi.documents(ARTICLE).delete({ documentId: article.documentId });
    await settle(app.strapi, socket);
    expect(contentEvents(received).map(({ event }) => event)).toEqual(['article:create', 'comment:create', 'article:delete']);
    expect(contentEvents(received)[0]?.args[0]).not.toHaveProperty('category');
    expect(contentEvents(received)[1]?.args[0]).toMatchObject({ text: 'populated', article: { documentId: article.documentId, title: 'No update event' } });
  });
});

describe('strapi.$io', () => {
  it('raw, broadcast, sendPrivateMessage and emitToNamespace reach their targets', async () => {
    const a = await listen();
    const b = await listen();
    app.strapi.$io.server.of('/admin');
    const admin = await connect(`${app.url}/admin`, {});
    onTestFinished(() => {
      admin.close();
    });
    const adminReceived = record(admin);
    app.strapi.$io.raw({ event: 'notification', data: { message: 'Server maintenance in 5 minutes', type: 'warning' } });
    app.strapi.$io.broadcast('hello', 1);
    app.strapi.$io.sendPrivateMessage(a.socket.id!, 'order:updated', { orderId: 123, status: 'shipped' });
    app.strapi.$io.emitToNamespace('admin', 'alert', { message: 'New user registered' });
    await settle(app.strapi, a.socket, b.socket);
    await expect.poll(() => adminReceived.map(({ event }) => event)).toEqual(['alert']);
    expect(a.received.map(({ event }) => event)).toEqual(['notification', 'hello', 'order:updated']);
    expect(b.received.map(({ event }) => event)).toEqual(['notification', 'hello']);
  });

  it('joinRoom, getSocketsInRoom, leaveRoom and disconnectSocket manage sockets by id', async () => {
    const a = await listen();
    const b = await listen();
    expect(await app.strapi.$io.joinRoom(a.socket.id!, 'premium-users')).toBe(true);
    expect(await app.strapi.$io.joinRoom('no-such-socket', 'premium-users')).toBe(false);
    await expect(app.strapi.$io.joinRoom(b.socket.id!, '$io:broadcast:public')).rejects.toThrow(/reserved/);
    const inRoom = await app.strapi.$io.getSocketsInRoom('premium-users');
    expect(inRoom.map(({ id }) => id)).toEqual([a.socket.id]);
    expect(inRoom[0]?.principal).toEqual({ kind: 'public' });
    app.strapi.$io.server.to('premium-users').emit('exclusive-offer', { discount: 20 });
    await settle(app.strapi, a.socket, b.socket);
    expect(a.received.map(({ event }) => event)).toEqual(['exclusive-offer']);
    expect(b.received).toEqual([]);
    expect(await app.strapi.$io.leaveRoom(a.socket.id!, 'premium-users')).toBe(true);
    expect(await app.strapi.$io.getSocketsInRoom('premium-users')).toEqual([]);

    const gone = new Promise((resolve) => b.socket.on('disconnect', resolve));
    const reason = new Promise((resolve) => b.socket.on('io:error', resolve));
    expect(await app.strapi.$io.disconnectSocket(b.socket.id!, 'Kicked by admin')).toBe(true);
    expect(await gone).toBe('io server disconnect');
    expect(await reason).toEqual({ code: 'DISCONNECTED', message: 'Kicked by admin' });
  });

  it('subscribeToEntity checks permission; the entity helpers see the subscription', async () => {
    const article = await app.strapi.documents(ARTICLE).create({ data: { title: 'Server-side subscription' }, status: 'published' });
    const comment = await app.strapi.documents(COMMENT).create({ data: { text: 'c' } });
    await app.strapi.$io.idle();
    const { socket, received } = await listen();
    const id = socket.id!;
    expect(await app.strapi.$io.subscribeToEntity(id, COMMENT, comment.documentId)).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } });
    expect(await app.strapi.$io.subscribeToEntity(id, ARTICLE, article.documentId)).toEqual({ success: true, uid: ARTICLE, documentId: article.documentId });
    expect(await app.strapi.$io.getEntitySubscriptions(id)).toEqual([{ uid: ARTICLE, documentId: article.documentId }]);
    expect((await app.strapi.$io.getEntityRoomSockets(ARTICLE, article.documentId)).map((s) => s.id)).toEqual([id]);
    app.strapi.$io.emitToEntity(ARTICLE, article.documentId, 'article:typing', { user: 'ann' });
    await settle(app.strapi, socket);
    expect(received.map(({ event }) => event)).toEqual(['article:typing']);
    expect(await app.strapi.$io.unsubscribeFromEntity(id, ARTICLE, article.documentId)).toMatchObject({ success: true });
    expect(await app.strapi.$io.getEntitySubscriptions(id)).toEqual([]);
    expect(await app.strapi.$io.subscribeToEntity('nobody', ARTICLE, article.documentId)).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });

  it('emit sanitizes for each reader and skips those who may not read the type', async () => {
    const reader = await listen();
    const { jwt } = await createUser(app.strapi);
    const user = await listen({ strategy: 'jwt', token: jwt });
    await app.strapi.$io.emit({ event: 'notification', schema: ARTICLE, data: { title: 'New Article', internalNotes: 'hidden' } });
    await app.strapi.$io.emit({ event: 'notification', schema: COMMENT, data: { text: 'for users' } });
    await settle(app.strapi, reader.socket, user.socket);
    expect(reader.received.map(({ event, args }) => [event, args[0]])).toEqual([['article:notification', { title: 'New Article' }]]);
    expect(user.received.map(({ event }) => event)).toEqual(['article:notification', 'comment:notification']);
  });
});

describe('sharing the HTTP server', () => {
  it('leaves other websocket upgrades (such as /admin/transfer) to Strapi', async () => {
    const { port } = new URL(app.url);
    const status = await new Promise<number | string>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        path: '/admin/transfer/runner/push',
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
        timeout: 5000,
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (error) => resolve(error.message));
      req.end();
    });
    // Strapi's transfer route answers (it refuses the missing transfer token) instead of hanging.
    expect(status).toBe(401);
    expect((app.strapi.$io.server.engine.opts as { destroyUpgrade?: boolean }).destroyUpgrade).toBe(false);
  });
});
