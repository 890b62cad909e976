import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { connect, createApiToken, record, settle, useExampleApp } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';

/**
 * `limits` and `security`: credentials required, a message rate per socket, connections per
 * address, address lists read through one trusted proxy.
 */
const ARTICLE = 'api::article.article';
const example = useExampleApp({
  seed: false,
  ioConfig: {
    contentTypes: [ARTICLE],
    limits: { messagesPerSecond: 20, messageBurst: 40, disconnectAfterRefused: 200, connectionsPerIp: 4, liveQueriesPerNode: 3, maxBufferedBytes: 1_000_000, liveQueriesPerPrincipal: 6 },
    security: { requireAuthentication: true, trustProxy: true, ipDenyList: ['10.0.0.0/8'], draftView: { action: 'update' } },
  },
});
let app: ExampleApp;
let token: string;
const open: Socket[] = [];

beforeAll(async () => {
  app = example.app;
  token = (await createApiToken(app.strapi, 'read-only')).accessKey;
});

/** A socket with the read-only token, from `address` (as the trusted proxy says). */
async function connectAs(address = '203.0.113.1', extra: Parameters<typeof connect>[1] = {}): Promise<Socket> {
  const socket = await connect(app.url, { auth: { strategy: 'api-token', token }, extraHeaders: { 'x-forwarded-for': address }, ...extra });
  open.push(socket);
  return socket;
}

async function refusal(options: Parameters<typeof connect>[1]): Promise<{ message: string; data?: { code?: string } }> {
  try {
    const socket = await connect(app.url, options);
    socket.close();
    throw new Error('connected');
  } catch (error) {
    return error as { message: string; data?: { code?: string } };
  }
}

const closeAll = () => open.splice(0).forEach((socket) => socket.close());

describe('who may connect', () => {
  it('refuses Public when credentials are required', async () => {
    const error = await refusal({ extraHeaders: { 'x-forwarded-for': '203.0.113.1' } });
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(error.message).toMatch(/requires credentials/);
  });

  it('refuses a denied address, read from the trusted proxy (a client cannot pick another by sending its own header)', async () => {
    const denied = await refusal({ auth: { strategy: 'api-token', token }, extraHeaders: { 'x-forwarded-for': '10.9.8.7' } });
    expect(denied.data).toMatchObject({ code: 'FORBIDDEN' });
    // The proxy appends the address it saw: the client's own first entry is not believed.
    const spoofed = await refusal({ auth: { strategy: 'api-token', token }, extraHeaders: { 'x-forwarded-for': '203.0.113.50, 10.0.0.9' } });
    expect(spoofed.data).toMatchObject({ code: 'FORBIDDEN' });
    const allowed = await connectAs('10.0.0.9, 203.0.113.50');
    expect(allowed.connected).toBe(true);
    closeAll();
  });

  it('caps the connections of one address, and admits again when one closes', async () => {
    const sockets = [];
    for (let i = 0; i < 4; i++) sockets.push(await connectAs('198.51.100.7'));
    const over = await refusal({ auth: { strategy: 'api-token', token }, extraHeaders: { 'x-forwarded-for': '198.51.100.7' } });
    expect(over.data).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    // Another address is not concerned.
    expect((await connectAs('198.51.100.8')).connected).toBe(true);
    sockets[0]!.close();
    await expect.poll(async () => (await refusal({ auth: { strategy: 'api-token', token }, extraHeaders: { 'x-forwarded-for': '198.51.100.7' } })).message).toBe('connected');
    closeAll();
  });
});

describe('who sees drafts', () => {
  it("serves the draft view only to principals that also have the configured action (here update)", async () => {
    const reader = await connectAs('203.0.113.20');
    const full = await connectAs('203.0.113.21', { auth: { strategy: 'api-token', token: (await createApiToken(app.strapi, 'full-access')).accessKey } });
    const drafts = { uid: ARTICLE, status: 'draft' };
    expect(await reader.emitWithAck('subscribe', drafts)).toMatchObject({ success: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/Drafts of api::article\.article/) } });
    expect(await reader.emitWithAck('subscribe', { uid: ARTICLE })).toMatchObject({ success: true });
    expect(await full.emitWithAck('subscribe', drafts)).toMatchObject({ success: true });
    closeAll();
  });
});

describe('a hand-made client', () => {
  it('that leaves its namespace but keeps the connection has it closed (it would hold it outside every limit)', async () => {
    const { WebSocket } = createRequire(require.resolve('engine.io'))('ws') as typeof import('ws');
    const ws = new WebSocket(`${app.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers: { 'x-forwarded-for': '203.0.113.30' } });
    const frames: string[] = [];
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    ws.on('message', (data) => {
      const frame = String(data);
      frames.push(frame);
      if (frame.startsWith('0')) ws.send(`40${JSON.stringify({ strategy: 'api-token', token })}`);
      if (frame.startsWith('40{')) ws.send('41');
      if (frame === '2') ws.send('3');
    });
    await closed;
    expect(frames.some((frame) => frame.startsWith('40{'))).toBe(true);
  });
});

describe('how much a socket may send', () => {
  it('answers LIMIT_EXCEEDED over its rate, without looking at the message, and goes on once under it', async () => {
    const socket = await connectAs();
    const answers = await Promise.all(Array.from({ length: 60 }, () => socket.timeout(5_000).emitWithAck('io:ping')));
    const refused = answers.filter((answer) => (answer as { success: boolean }).success === false);
    expect(refused.length).toBeGreaterThanOrEqual(15);
    expect(refused[0]).toEqual({ success: false, error: { code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/at most 20 per second/) } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await socket.emitWithAck('io:ping')).toMatchObject({ success: true });
    closeAll();
  });

  it('caps the distinct live queries of the node; a query already evaluated is still shared', async () => {
    const [one, two] = [await connectAs('203.0.113.4'), await connectAs('203.0.113.5')];
    const query = (i: number) => ({ uid: ARTICLE, filters: { title: { $eq: `capped ${i}` } } });
    for (const i of [1, 2, 3]) expect(await one.emitWithAck('subscribe', query(i))).toMatchObject({ success: true });
    expect(await two.emitWithAck('subscribe', query(4))).toMatchObject({ success: false, error: { code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/distinct live queries/) } });
    expect(await two.emitWithAck('subscribe', query(2))).toMatchObject({ success: true });
    expect(app.strapi.$io.stats().liveQueries).toBe(3);
    closeAll();
    await expect.poll(() => app.strapi.$io.stats().liveQueries).toBe(0);
  });

  it('drops a client that stops reading once 1 MB waits for it, and says why', async () => {
    const slow = await connectAs('203.0.113.6', { reconnection: false });
    const id = slow.id!;
    const warn = vi.spyOn(app.strapi.log, 'warn');
    try {
      // A stalled client: it no longer reads from its TCP connection.
      (slow.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket.pause();
      const chunk = 'x'.repeat(100_000);
      for (let i = 0; i < 300; i++) app.strapi.$io.sendPrivateMessage(id, 'bulk', chunk);
      await expect.poll(() => app.strapi.$io.server.of('/').sockets.has(id), { timeout: 10_000 }).toBe(false);
      expect(warn.mock.calls.map(([line]) => String(line)).find((line) => line.includes('Too slow to read'))).toMatch(/bytes were waiting to be sent \(at most 1000000\)/);
    } finally {
      warn.mockRestore();
      closeAll();
    }
  });

  it('caps the subscriptions of one token over all its connections, and frees them when one goes', async () => {
    const own = (await createApiToken(app.strapi, 'read-only')).accessKey;
    const as = (address: string) => connectAs(address, { auth: { strategy: 'api-token', token: own } });
    const [a, b, c] = [await as('203.0.113.40'), await as('203.0.113.41'), await as('203.0.113.42')];
    const query = (i: number) => ({ uid: ARTICLE, filters: { title: { $eq: `principal ${i}` } } });
    for (const socket of [a, b]) for (const i of [1, 2, 3]) expect(await socket.emitWithAck('subscribe', query(i))).toMatchObject({ success: true });
    expect(await c.emitWithAck('subscribe', query(1))).toMatchObject({ success: false, error: { code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/over all its connections/) } });
    // One it holds still answers.
    expect(await b.emitWithAck('subscribe', query(1))).toMatchObject({ success: true });
    a.close();
    await expect.poll(async () => (await c.emitWithAck('subscribe', query(1))).success).toBe(true);
    closeAll();
  });

  it('a socket bursting 10,000 subscribes is disconnected, and a bystander still gets an update within a second', async () => {
    const bystander = await connectAs('203.0.113.2');
    const received = record(bystander);
    const abuser = await connectAs('203.0.113.3', { reconnection: false });
    const errors = record(abuser);
    const gone = new Promise<string>((resolve) => abuser.once('disconnect', resolve));
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = Date.now();
    for (let i = 0; i < 10_000; i++) abuser.emit('subscribe', { uid: ARTICLE, filters: { title: { $containsi: `burst ${i} ${'x'.repeat(200)}` } } });
    const { documentId } = await app.strapi.documents(ARTICLE).create({ data: { title: 'Bystander news' }, status: 'published' });
    await expect.poll(() => received.some(({ event, args }) => event === 'article:create' && (args[0] as { documentId: string }).documentId === documentId), { timeout: 5_000 }).toBe(true);
    const delivered = Date.now() - started;
    expect(await gone).toBe('io server disconnect');
    loop.disable();
    const stall = loop.max / 1e6;
    console.log(`10,000 subscribes from one socket: the bystander's update arrived ${delivered} ms after the burst began; the longest event-loop stall in the test process (server and clients) was ${stall.toFixed(0)} ms`);
    expect(errors.filter(({ event }) => event === 'io:error').map(({ args }) => (args[0] as { code: string }).code)).toContain('LIMIT_EXCEEDED');
    expect(delivered, 'the bystander waited too long').toBeLessThan(1_000);
    await settle(app.strapi, bystander);
    closeAll();
  });
});
