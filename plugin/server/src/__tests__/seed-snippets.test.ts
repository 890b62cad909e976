/**
 * The client and server snippets of the seed plugin's README (../shared/seed/plugin-io-README.md),
 * run as written against the real example app. Only the URL (and the article id, which must exist)
 * differ; `console.log` is replaced by a recorder so the test can read what the snippets saw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectTyped } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@strapi-live/client';
import { bootExampleApp, createApiToken, createUser, settle } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';

// The seed's `io` from socket.io-client, typed with the shared protocol (as a TypeScript app would).
const io = (url: string, options?: Parameters<typeof connectTyped>[1]): Socket<ServerToClientEvents, ClientToServerEvents> =>
  connectTyped(url, options);

let app: ExampleApp;
let logs: unknown[][];
const console = { log: (...args: unknown[]) => logs.push(args) };

beforeAll(async () => {
  app = await bootExampleApp();
});
afterAll(async () => {
  await app?.stop();
});

const waitFor = async (predicate: () => boolean) => {
  await expect.poll(predicate, { timeout: 10_000 }).toBe(true);
};

describe("the seed README's snippets", () => {
  it('Quick Start and Basic Connection: content events and connection events', async () => {
    logs = [];
    // --- snippet (Basic Connection) ---
    const socket = io(app.url);

    socket.on('connect', () => {
      console.log('Connected to server');
    });

    socket.on('disconnect', () => {
      console.log('Disconnected from server');
    });

    // Listen for content type events
    socket.on('article:create', (data) => {
      console.log('New article:', data);
    });

    socket.on('article:update', (data) => {
      console.log('Article updated:', data);
    });

    socket.on('article:delete', (data) => {
      console.log('Article deleted:', data.documentId);
    });
    // --- end ---

    await waitFor(() => socket.connected);
    const article = await app.strapi.documents('api::article.article').create({ data: { title: 'Seed' }, status: 'published' });
    await app.strapi.documents('api::article.article').update({ documentId: article.documentId, data: { title: 'Seed 2' }, status: 'published' });
    await app.strapi.documents('api::article.article').delete({ documentId: article.documentId });
    await settle(app.strapi, socket);
    socket.disconnect();
    await waitFor(() => logs.length === 5);
    expect(logs.map((entry) => entry[0])).toEqual(['Connected to server', 'New article:', 'Article updated:', 'Article deleted:', 'Disconnected from server']);
    expect(logs[2]?.[1]).toMatchObject({ documentId: article.documentId, title: 'Seed 2' });
    expect(logs[3]?.[1]).toBe(article.documentId);
  });

  it('Entity-Specific Subscriptions', async () => {
    logs = [];
    const [target, other] = await app.strapi.documents('api::article.article').findMany({ status: 'published', limit: 2 });
    const socket = io(app.url);
    await waitFor(() => socket.connected);
    const documentId = target!.documentId;

    // --- snippet, with the article's documentId for 123 ---
    // Client-side: Subscribe to a specific article
    socket.emit('subscribe-entity', {
      uid: 'api::article.article',
      id: documentId
    }, (response) => {
      if (response.success) {
        console.log('Subscribed to article 123');
      }
    });

    // Now you only receive updates for article 123
    socket.on('article:update', (data) => {
      console.log('Article 123 was updated:', data);
    });
    // --- end ---

    await waitFor(() => logs.length === 1);
    for (const doc of [target!, other!]) {
      await app.strapi.documents('api::article.article').update({ documentId: doc.documentId, data: { title: `Updated ${doc.documentId}` }, status: 'published' });
    }
    await settle(app.strapi, socket);
    expect(logs.map((entry) => entry[0])).toEqual(['Subscribed to article 123', 'Article 123 was updated:']);
    expect(logs[1]?.[1]).toMatchObject({ documentId });

    // --- snippet ---
    // Unsubscribe when done
    socket.emit('unsubscribe-entity', {
      uid: 'api::article.article',
      id: documentId
    });
    // --- end ---
    await settle(app.strapi, socket);
    expect(await app.strapi.$io.getEntitySubscriptions(socket.id!)).toEqual([]);
    socket.disconnect();
  });

  it('JWT Authentication (login over REST) and API Token Authentication', async () => {
    const user = await createUser(app.strapi);
    const { email } = (await app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { id: user.id } })) as { email: string };
    // --- snippet (JWT), with this app's URL and user ---
    // 1. Get JWT token from login
    const response = await fetch(`${app.url}/api/auth/local`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        identifier: email,
        password: 'Password123!'
      })
    });

    const { jwt } = await response.json();

    // 2. Connect with JWT
    const socket = io(app.url, {
      auth: {
        strategy: 'jwt',
        token: jwt
      }
    });
    // --- end ---
    await waitFor(() => socket.connected);
    expect((await app.strapi.$io.getSocketsInRoom(socket.id!))[0]?.principal).toMatchObject({ kind: 'user', userId: user.id });
    socket.disconnect();

    const { accessKey } = await createApiToken(app.strapi, 'read-only');
    // --- snippet (API token) ---
    const tokenSocket = io(app.url, {
      auth: {
        strategy: 'api-token',
        token: accessKey
      }
    });
    // --- end ---
    await waitFor(() => tokenSocket.connected);
    expect((await app.strapi.$io.getSocketsInRoom(tokenSocket.id!))[0]?.principal).toMatchObject({ kind: 'api-token', tokenType: 'read-only' });
    tokenSocket.disconnect();
  });

  it('Server-Side Usage and Room Management', async () => {
    const strapi = app.strapi;
    const client = io(app.url);
    const seen: string[] = [];
    client.onAny((event: string) => seen.push(event));
    await waitFor(() => client.connected);
    const socketId = client.id!;

    // --- snippet (Server-Side Usage) ---
    // In a controller, service, or lifecycle
    const io$ = strapi.$io;

    // Emit to all connected clients
    strapi.$io.raw({
      event: 'notification',
      data: {
        message: 'Server maintenance in 5 minutes',
        type: 'warning'
      }
    });

    // Send private message to a specific socket
    strapi.$io.sendPrivateMessage(socketId, 'order:updated', {
      orderId: 123,
      status: 'shipped'
    });

    // Emit to all clients in a room
    strapi.$io.server.to('admin-room').emit('dashboard:update', {
      activeUsers: 42,
      revenue: 15000
    });

    // Emit to a specific namespace
    strapi.$io.emitToNamespace('admin', 'alert', {
      message: 'New user registered'
    });
    // --- end ---

    // --- snippet (Room Management) ---
    // Server-side: Add socket to a room
    strapi.$io.joinRoom(socketId, 'premium-users');

    // Get all sockets in a room
    const sockets = await strapi.$io.getSocketsInRoom('premium-users');
    console.log(`${sockets.length} premium users online`);

    // Broadcast to a specific room
    strapi.$io.server.to('premium-users').emit('exclusive-offer', {
      discount: 20,
      expiresIn: '24h'
    });

    // Remove socket from a room
    strapi.$io.leaveRoom(socketId, 'premium-users');

    // Disconnect a specific socket
    strapi.$io.disconnectSocket(socketId, 'Kicked by admin');
    // --- end ---

    expect(io$).toBe(strapi.$io);
    await waitFor(() => client.disconnected);
    expect(seen).toEqual(['notification', 'order:updated', 'exclusive-offer', 'io:error']);
  });

  it('TypeScript Usage: emit with a schema', async () => {
    const client = io(app.url);
    const seen: unknown[] = [];
    client.on('article:notification', (data) => seen.push(data));
    await waitFor(() => client.connected);
    // --- snippet ---
    const io$ = app.strapi.$io;
    await io$.emit({
      event: 'notification',
      schema: 'api::article.article',
      data: { title: 'New Article' }
    });
    // --- end ---
    await settle(app.strapi, client);
    expect(seen).toEqual([{ title: 'New Article' }]);
    client.disconnect();
  });
});
