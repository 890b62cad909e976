import { beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { connect, createApiToken, createUser, record, settle, useExampleApp } from 'example-strapi-app/testing';
import type { ExampleApp, Received } from 'example-strapi-app/testing';
import { adminCall, connectAdmin, createAdminRole, loginAdmin } from './admin-helpers';

/**
 * The monitoring page's server side: the connection list (all nodes), its export, disconnecting a
 * socket, the figures and event log, and the `/io-admin` live channel with its refusals.
 */
const ARTICLE = 'api::article.article';

const example = useExampleApp({
  seed: false,
  ioConfig: {
    contentTypes: [ARTICLE],
    // Two client sockets per address: the admin channel must not count against it.
    limits: { connectionsPerIp: 3 },
    security: { trustProxy: true },
  },
});
let app: ExampleApp;
let superToken: string;

type Connection = { id: string; principal: { kind: string; label: string }; transport: string; address: string; rooms: number; subscriptions: number; connectedAt: string };
type Stats = { connections: number; eventsPerSecond: number; totals: Record<string, Record<string, number>>; recentEvents: Record<string, unknown>[] };

const list = async () => (await adminCall<{ data: Connection[] }>(app.url, 'GET', '/io/monitoring/connections', superToken)).body.data;
const stats = async () => (await adminCall<{ data: Stats }>(app.url, 'GET', '/io/monitoring/stats', superToken)).body.data;
const open: Socket[] = [];
/** A client socket from `address` (as the trusted proxy says), closed at the end of the file. */
async function client(address: string, auth?: Record<string, unknown>): Promise<Socket> {
  const socket = await connect(app.url, { extraHeaders: { 'x-forwarded-for': address }, ...(auth ? { auth } : {}) });
  open.push(socket);
  return socket;
}
const closeAll = () => open.splice(0).forEach((socket) => socket.close());

/** The next `event` on an admin socket's record. */
async function next(received: Received[], event: string, match: (args: unknown[]) => boolean = () => true): Promise<unknown> {
  let found: Received | undefined;
  await expect.poll(() => (found = received.find((entry) => entry.event === event && match(entry.args))), { timeout: 5000 }).toBeDefined();
  return found!.args[0];
}

beforeAll(async () => {
  app = example.app;
  superToken = (await loginAdmin(app.strapi, app.url, 'super')).token;
});

describe('who may use the monitoring routes', () => {
  const routes: [string, string][] = [
    ['GET', '/io/monitoring/connections'],
    ['GET', '/io/monitoring/connections/export?format=csv'],
    ['DELETE', '/io/monitoring/connections/someSocketId'],
    ['GET', '/io/monitoring/stats'],
  ];

  it('refuses every one without an admin token (401), with a users-permissions JWT or an API token (401), and to an editor (403)', async () => {
    const editor = await loginAdmin(app.strapi, app.url, 'editor');
    const user = await createUser(app.strapi);
    const token = await createApiToken(app.strapi, 'full-access');
    for (const [method, route] of routes) {
      expect((await adminCall(app.url, method, route)).status, `${method} ${route}`).toBe(401);
      expect((await adminCall(app.url, method, route, user.jwt)).status, `${method} ${route}`).toBe(401);
      expect((await adminCall(app.url, method, route, token.accessKey)).status, `${method} ${route}`).toBe(401);
      expect((await adminCall(app.url, method, route, editor.token)).status, `${method} ${route}`).toBe(403);
    }
  });

  it('refuses them to a role with only the settings actions, and allows them with monitoring.read', async () => {
    const settingsOnly = await loginAdmin(app.strapi, app.url, await createAdminRole(app.strapi, ['plugin::io.settings.read', 'plugin::io.settings.update']));
    const monitor = await loginAdmin(app.strapi, app.url, await createAdminRole(app.strapi, ['plugin::io.monitoring.read']));
    for (const [method, route] of routes) {
      expect((await adminCall(app.url, method, route, settingsOnly.token)).status, `${method} ${route}`).toBe(403);
      expect((await adminCall(app.url, method, route, monitor.token)).status, `${method} ${route}`).toBe(200);
    }
    // And the settings routes stay closed to monitoring alone.
    expect((await adminCall(app.url, 'GET', '/io/settings', monitor.token)).status).toBe(403);
  });
});

describe('the connection list', () => {
  it('shows a Public socket, a user by username and an API token by name, with transport, address, rooms, subscriptions and connection time', async () => {
    const user = await createUser(app.strapi);
    const username = ((await app.strapi.db.query('plugin::users-permissions.user').findOne({ where: { id: user.id } })) as { username: string }).username;
    const token = await createApiToken(app.strapi, 'read-only');
    const tokenName = ((await app.strapi.db.query('admin::api-token').findOne({ where: { id: token.id } })) as { name: string }).name;
    const before = Date.now();
    const anonymous = await client('203.0.113.10');
    const member = await client('203.0.113.11', { strategy: 'jwt', token: user.jwt });
    const robot = await client('203.0.113.12', { strategy: 'api-token', token: token.accessKey });
    expect(await anonymous.emitWithAck('subscribe', { uid: ARTICLE })).toMatchObject({ success: true });
    expect(await app.strapi.$io.joinRoom(member.id!, 'premium')).toBe(true);

    const rows = await list();
    const row = (socket: Socket) => rows.find((entry) => entry.id === socket.id);
    expect(row(anonymous)).toEqual({
      id: anonymous.id,
      principal: { kind: 'public', label: 'Public' },
      transport: 'websocket',
      address: '203.0.113.10',
      rooms: 0,
      subscriptions: 1,
      connectedAt: expect.any(String),
    });
    expect(Date.parse(row(anonymous)!.connectedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(row(member)).toMatchObject({ principal: { kind: 'user', label: username }, address: '203.0.113.11', rooms: 1, subscriptions: 0 });
    expect(row(robot)).toMatchObject({ principal: { kind: 'api-token', label: tokenName }, address: '203.0.113.12' });
    closeAll();
  });

  it('exports the list as CSV and JSON downloads', async () => {
    const anonymous = await client('203.0.113.20');
    const csv = await adminCall(app.url, 'GET', '/io/monitoring/connections/export?format=csv', superToken);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="io-connections-.+\.csv"$/);
    const [header, ...lines] = csv.text.trim().split('\r\n');
    expect(header).toBe('id,principalKind,principalLabel,transport,address,rooms,subscriptions,connectedAt');
    expect(lines.find((line) => line.startsWith(`${anonymous.id},`))).toMatch(/^[^,]+,public,Public,websocket,203\.0\.113\.20,0,0,\d{4}-/);

    const json = await adminCall<Connection[]>(app.url, 'GET', '/io/monitoring/connections/export?format=json', superToken);
    expect(json.headers.get('content-disposition')).toMatch(/^attachment; filename="io-connections-.+\.json"$/);
    expect(json.body).toEqual(await list());
    expect(json.body.some((entry) => entry.id === anonymous.id)).toBe(true);

    const bad = await adminCall<{ error: { details: { errors: { path: string[] }[] } } }>(app.url, 'GET', '/io/monitoring/connections/export?format=xml', superToken);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors[0]!.path).toEqual(['format']);
    closeAll();
  });

  it('keeps a label a spreadsheet would run as a formula inert in the CSV', async () => {
    const user = await createUser(app.strapi);
    await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id: user.id }, data: { username: '=HYPERLINK("http://x","y")' } });
    await client('203.0.113.21', { strategy: 'jwt', token: user.jwt });
    const csv = await adminCall(app.url, 'GET', '/io/monitoring/connections/export?format=csv', superToken);
    expect(csv.text).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    closeAll();
  });

  it('disconnects a socket: it is told DISCONNECTED and leaves the list', async () => {
    const socket = await client('203.0.113.30');
    const received = record(socket);
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const answer = await adminCall<{ data: { disconnected: boolean } }>(app.url, 'DELETE', `/io/monitoring/connections/${socket.id}`, superToken);
    expect(answer.body).toEqual({ data: { disconnected: true } });
    expect(await gone).toBe('io server disconnect');
    expect(received.find(({ event }) => event === 'io:error')?.args[0]).toEqual({ code: 'DISCONNECTED', message: 'Disconnected by an administrator' });
    expect((await list()).some((entry) => entry.id === socket.id)).toBe(false);
    expect((await adminCall(app.url, 'DELETE', `/io/monitoring/connections/${socket.id}`, superToken)).body).toEqual({ data: { disconnected: false } });
    expect((await adminCall(app.url, 'DELETE', `/io/monitoring/connections/${encodeURIComponent('no such id!')}`, superToken)).status).toBe(400);
    closeAll();
  });
});

describe('figures and the event log', () => {
  it('counts events per type and action and lists the last ones with their recipients, never a payload', async () => {
    const readers = [await client('203.0.113.40'), await client('203.0.113.41')];
    const doc = await app.strapi.documents(ARTICLE).create({ data: { title: 'Counted', internalNotes: 'secret' }, status: 'published' });
    await app.strapi.documents(ARTICLE).update({ documentId: doc.documentId, data: { title: 'Counted again' }, status: 'published' });
    await settle(app.strapi, ...readers);
    await expect.poll(async () => (await stats()).connections).toBe(2);
    const figures = await stats();
    expect(figures.totals[ARTICLE]).toMatchObject({ create: expect.any(Number), update: expect.any(Number) });
    expect(figures.totals[ARTICLE]!.update).toBeGreaterThanOrEqual(1);
    expect(figures.eventsPerSecond).toBeGreaterThan(0);
    expect(figures.recentEvents.slice(0, 2)).toEqual([
      { uid: ARTICLE, action: 'update', documentId: doc.documentId, locale: null, recipients: 2, ts: expect.any(Number) },
      { uid: ARTICLE, action: 'create', documentId: doc.documentId, locale: null, recipients: 2, ts: expect.any(Number) },
    ]);
    expect(JSON.stringify(figures)).not.toMatch(/Counted|secret/);
    closeAll();
  });
});

describe('the /io-admin live channel', () => {
  it('is refused without a token, with a users-permissions JWT, with an API token, and to an admin without monitoring.read', async () => {
    const user = await createUser(app.strapi);
    const token = await createApiToken(app.strapi, 'full-access');
    const editor = await loginAdmin(app.strapi, app.url, 'editor');
    const settingsOnly = await loginAdmin(app.strapi, app.url, await createAdminRole(app.strapi, ['plugin::io.settings.read']));
    await expect(connectAdmin(app.url, undefined)).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    await expect(connectAdmin(app.url, { token: 'not-a-token' })).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    await expect(connectAdmin(app.url, { token: user.jwt })).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    await expect(connectAdmin(app.url, { token: token.accessKey })).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    await expect(connectAdmin(app.url, { strategy: 'jwt', token: user.jwt })).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    await expect(connectAdmin(app.url, { token: editor.token })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    await expect(connectAdmin(app.url, { token: settingsOnly.token })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    const monitor = await loginAdmin(app.strapi, app.url, await createAdminRole(app.strapi, ['plugin::io.monitoring.read']));
    const admitted = await connectAdmin(app.url, { token: monitor.token });
    expect(admitted.connected).toBe(true);
    admitted.close();
  });

  it('sends a snapshot, then the connections, the content events and the figures as they happen', async () => {
    const before = await client('203.0.113.50');
    // Sockets of earlier tests are gone on the server too.
    await expect.poll(async () => (await stats()).connections).toBe(1);
    const admin = await connectAdmin(app.url, { token: superToken });
    const { received } = admin;
    const snapshot = (await next(received, 'monitor:snapshot')) as { connections: Connection[]; stats: Stats };
    expect(snapshot.connections.map(({ id }) => id)).toContain(before.id);
    expect(snapshot.stats).toMatchObject({ connections: 1, eventsPerSecond: expect.any(Number), totals: expect.any(Object), recentEvents: expect.any(Array) });

    const reader = await client('203.0.113.51');
    expect(await next(received, 'monitor:connection', ([change]) => (change as { connection: Connection }).connection.id === reader.id)).toEqual({
      type: 'connected',
      connection: expect.objectContaining({ id: reader.id, principal: { kind: 'public', label: 'Public' }, address: '203.0.113.51', transport: 'websocket' }),
    });

    const doc = await app.strapi.documents(ARTICLE).create({ data: { title: 'Pushed' }, status: 'published' });
    await settle(app.strapi, reader);
    expect(await next(received, 'monitor:event', ([event]) => (event as { documentId: string }).documentId === doc.documentId)).toEqual({
      uid: ARTICLE,
      action: 'create',
      documentId: doc.documentId,
      locale: null,
      recipients: 2,
      ts: expect.any(Number),
    });
    const figures = (await next(received, 'monitor:stats', ([value]) => (value as Stats).totals[ARTICLE] !== undefined)) as Stats;
    expect(figures).toEqual({ connections: 2, eventsPerSecond: expect.any(Number), totals: expect.objectContaining({ [ARTICLE]: expect.any(Object) }) });

    const readerId = reader.id;
    reader.close();
    expect(await next(received, 'monitor:connection', ([change]) => (change as { type: string }).type === 'disconnected')).toMatchObject({
      type: 'disconnected',
      connection: { id: readerId },
    });
    // Never a content event, never a payload.
    expect(received.filter(({ event }) => !event.startsWith('monitor:'))).toEqual([]);
    admin.close();
    closeAll();
  });

  it('does not count admin sockets as connections, nor against the client limits', async () => {
    const admins = [await connectAdmin(app.url, { token: superToken }), await connectAdmin(app.url, { token: superToken })];
    await expect.poll(async () => (await stats()).connections).toBe(0);
    const clients = [await client('127.0.0.1'), await client('127.0.0.1'), await client('127.0.0.1')];
    expect((await stats()).connections).toBe(3);
    const ids = (await list()).map(({ id }) => id);
    expect(ids).toHaveLength(3);
    expect(ids.sort()).toEqual(clients.map((socket) => socket.id).sort());
    // The address is at its cap for clients, and an admin still gets in.
    await expect(connect(app.url, { extraHeaders: { 'x-forwarded-for': '127.0.0.1' } })).rejects.toMatchObject({ data: { code: 'LIMIT_EXCEEDED' } });
    const third = await connectAdmin(app.url, { token: superToken });
    expect(third.connected).toBe(true);
    for (const socket of [...admins, third]) socket.close();
    closeAll();
  });
});
