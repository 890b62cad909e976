import { describe, expect, it } from 'vitest';
import { Registry, register as globalRegistry } from 'prom-client';
import { bootExampleApp, connect, contentEvents, createApiToken, createUser, settle, useExampleApp } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';
import { validateConfig } from '../config/validate-config';

/** `metrics`: a Prometheus endpoint, off by default, behind a bearer token, per app and node. */
const ARTICLE = 'api::article.article';
const TOKEN = 'metrics-test-token-0123456789';
const PATH = '/api/io/metrics';
// ioConfig replaces the example's io config: articles only, with the example's populate.
const withMetrics = (metrics: Record<string, unknown>) => ({ contentTypes: [{ uid: ARTICLE, populate: ['category', 'author'] }], metrics });

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** prom-client's text exposition: `name{a="x",b="y"} value` lines, `#` comments. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`Not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = raw!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The one sample of `name` whose labels include `labels`, or undefined. */
function sample(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

const get = (app: ExampleApp, headers: Record<string, string> = {}, path = PATH) => fetch(`${app.url}${path}`, { headers });

async function scrape(app: ExampleApp): Promise<Sample[]> {
  const response = await get(app, { authorization: `Bearer ${TOKEN}` });
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

describe('metrics off (the default)', () => {
  const example = useExampleApp({ seed: false });

  it('serves nothing at the path: 404, with or without a token', async () => {
    expect((await get(example.app)).status).toBe(404);
    expect((await get(example.app, { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
  });
});

let firstNode: string | undefined;

describe('metrics on', () => {
  const example = useExampleApp({ seed: false, ioConfig: withMetrics({ enabled: true, token: TOKEN }) });

  it('refuses a missing, wrong or differently sent token with 401', async () => {
    const app = example.app;
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN, 'Bearer ']) {
      const response = await get(app, authorization === undefined ? {} : { authorization });
      expect(response.status, String(authorization)).toBe(401);
      expect(await response.text()).not.toContain('strapi_io_');
    }
    // Only GET at exactly the path is the endpoint's; the rest is Strapi's.
    const posted = await fetch(`${app.url}${PATH}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(posted.status).not.toBe(200);
    expect((await get(app, { authorization: `Bearer ${TOKEN}` }, `${PATH}/more`)).status).toBe(404);
  });

  it('answers the text exposition with the registry content type, every series labelled with the node', async () => {
    const response = await get(example.app, { authorization: `bearer ${TOKEN}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(new Registry().contentType);
    const samples = parseExposition(await response.text());
    const names = new Set(samples.map((s) => s.name));
    for (const name of ['strapi_io_connections', 'strapi_io_subscriptions', 'strapi_io_delivery_latency_seconds_count', 'strapi_io_sanitize_calls_total', 'strapi_io_errors_total']) {
      expect(names, name).toContain(name);
    }
    firstNode = samples[0]?.labels.node;
    expect(firstNode).toMatch(/^[0-9a-f-]{36}$/);
    expect(samples.every((s) => s.labels.node === firstNode)).toBe(true);
    // The app's registry, not prom-client's global one.
    expect(await globalRegistry.metrics()).not.toContain('strapi_io_');
  });

  it('counts connections by principal kind and subscriptions by kind, as they are now', async () => {
    const app = example.app;
    const { jwt } = await createUser(app.strapi);
    const { accessKey } = await createApiToken(app.strapi, 'read-only');
    const publicSocket = await example.listen();
    await example.listen({ strategy: 'jwt', token: jwt });
    await example.listen({ strategy: 'api-token', token: accessKey });
    const connections = async () => {
      const samples = await scrape(app);
      return ['public', 'user', 'api-token'].map((kind) => sample(samples, 'strapi_io_connections', { principal_kind: kind }));
    };
    await expect.poll(connections).toEqual([1, 1, 1]);

    const article = await app.strapi.documents(ARTICLE).create({ data: { title: 'Followed' }, status: 'published' });
    expect(await publicSocket.socket.emitWithAck('subscribe-entity', { uid: ARTICLE, id: article.documentId })).toMatchObject({ success: true });
    expect(await publicSocket.socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $contains: 'x' } } })).toMatchObject({ success: true });
    const samples = await scrape(app);
    expect(sample(samples, 'strapi_io_subscriptions', { kind: 'entity' })).toBe(1);
    expect(sample(samples, 'strapi_io_subscriptions', { kind: 'collection' })).toBe(1);

    publicSocket.socket.close();
    await expect.poll(connections).toEqual([0, 1, 1]);
    expect(sample(await scrape(app), 'strapi_io_subscriptions', { kind: 'entity' })).toBe(0);
  });

  it('counts one emitted event per emission (per principal group, not per socket) and its commit-to-emit latency', async () => {
    const app = example.app;
    const { jwt } = await createUser(app.strapi);
    const { accessKey } = await createApiToken(app.strapi, 'read-only');
    // Two Public sockets share one emission; a user and a read-only token are groups of their own.
    const readers = [await example.listen(), await example.listen(), await example.listen({ strategy: 'jwt', token: jwt }), await example.listen({ strategy: 'api-token', token: accessKey })];
    const before = await scrape(app);
    const emittedBefore = app.strapi.$io.stats().emitted;

    await app.strapi.documents(ARTICLE).create({ data: { title: 'Counted' }, status: 'published' });
    await settle(app.strapi, ...readers.map(({ socket }) => socket));

    for (const { received } of readers) expect(contentEvents(received).map(({ event }) => event)).toEqual(['article:create']);
    const emissions = app.strapi.$io.stats().emitted - emittedBefore;
    expect(emissions).toBe(3);
    const after = await scrape(app);
    const created = { uid: ARTICLE, action: 'create' };
    expect((sample(after, 'strapi_io_events_emitted_total', created) ?? 0) - (sample(before, 'strapi_io_events_emitted_total', created) ?? 0)).toBe(emissions);
    const count = (samples: Sample[]) => sample(samples, 'strapi_io_delivery_latency_seconds_count') ?? 0;
    expect(count(after) - count(before)).toBe(emissions);
    // Every emission happened within 5 s of its commit: all in the top finite bucket.
    const within5s = (samples: Sample[]) => sample(samples, 'strapi_io_delivery_latency_seconds_bucket', { le: '5' }) ?? 0;
    expect(within5s(after) - within5s(before)).toBe(emissions);
    // Sanitize calls are delivery's own count, read at the scrape.
    expect(sample(after, 'strapi_io_sanitize_calls_total')).toBe(app.strapi.$io.stats().sanitized);
    expect(sample(after, 'strapi_io_sanitize_calls_total')).toBeGreaterThan(sample(before, 'strapi_io_sanitize_calls_total') ?? 0);
  });

  it('counts failed acknowledgements and refused connections by code', async () => {
    const app = example.app;
    const errors = async (code: string) => sample(await scrape(app), 'strapi_io_errors_total', { code });
    const { socket } = await example.listen();
    const invalidBefore = await errors('INVALID_PAYLOAD');
    expect(invalidBefore).toBe(0);

    expect(await socket.emitWithAck('subscribe', 'not an object')).toMatchObject({ success: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(await errors('INVALID_PAYLOAD')).toBe(1);
    // Without an ack callback the failure arrives as io:error: still one error sent.
    const pushed = new Promise((resolve) => socket.once('io:error', resolve));
    socket.emit('subscribe-entity', 42);
    expect(await pushed).toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect(await errors('INVALID_PAYLOAD')).toBe(2);

    const unauthorizedBefore = (await errors('UNAUTHORIZED')) ?? 0;
    await expect(connect(app.url, { auth: { strategy: 'jwt', token: 'not-a-jwt' } })).rejects.toHaveProperty('data.code', 'UNAUTHORIZED');
    expect(await errors('UNAUTHORIZED')).toBe(unauthorizedBefore + 1);

    // The io:error a socket is sent just before the server disconnects it counts too.
    const disconnectedBefore = (await errors('DISCONNECTED')) ?? 0;
    const told = new Promise((resolve) => socket.once('io:error', resolve));
    await app.strapi.$io.disconnectSocket(socket.id!, 'Bye');
    expect(await told).toMatchObject({ code: 'DISCONNECTED', message: 'Bye' });
    expect(await errors('DISCONNECTED')).toBe(disconnectedBefore + 1);
  });
});

describe('a second app in the same process', () => {
  it('starts from zero under its own node label: nothing is shared with the app before it', async () => {
    expect(firstNode).toBeDefined();
    const second = await bootExampleApp({ seed: false, ioConfig: withMetrics({ enabled: true, token: TOKEN }) });
    try {
      const samples = await scrape(second);
      const nodes = [...new Set(samples.map((s) => s.labels.node))];
      expect(nodes).toHaveLength(1);
      expect(nodes[0]).not.toBe(firstNode);
      expect(samples.filter((s) => s.name === 'strapi_io_events_emitted_total')).toEqual([]);
      expect(sample(samples, 'strapi_io_delivery_latency_seconds_count')).toBe(0);
      expect(samples.filter((s) => s.name === 'strapi_io_errors_total').every((s) => s.value === 0)).toBe(true);
      expect(samples.filter((s) => s.name === 'strapi_io_connections').every((s) => s.value === 0)).toBe(true);
    } finally {
      await second.stop();
    }
  });
});

describe('start-up', () => {
  it('refuses metrics enabled without a token of at least 16 characters, naming the key', async () => {
    await expect(bootExampleApp({ seed: false, ioConfig: withMetrics({ enabled: true }) })).rejects.toThrow(
      /Error regarding io config: "metrics\.token" must be a secret of at least 16 characters when metrics\.enabled is true \(got none\)/,
    );
  });

  it.each([
    [{ enabled: true, token: 'short' }, '"metrics.token" must be a secret of at least 16 characters when metrics.enabled is true (got 5 characters)'],
    [{ enabled: true, token: 1234 }, '"metrics.token" must be a string (got number)'],
    [{ enabled: 'yes', token: TOKEN }, '"metrics.enabled" must be true or false'],
    [{ enabled: true, token: TOKEN, path: 'metrics' }, `"metrics.path" must be a path starting with '/'`],
    [{ path: '/metrics?x=1' }, `"metrics.path" must be a path starting with '/'`],
    [{ enabled: true, token: TOKEN, port: 9100 }, '"metrics.port" must be absent: metrics takes enabled, token, path'],
  ])('refuses %j', (metrics, message) => {
    expect(() => validateConfig({ metrics })).toThrow(message);
  });

  it('defaults to off, and to /api/io/metrics when on', () => {
    expect(validateConfig({}).metrics).toEqual({ enabled: false });
    expect(validateConfig({ metrics: { enabled: false, token: 'short' } }).metrics).toEqual({ enabled: false });
    expect(validateConfig({ metrics: { enabled: true, token: TOKEN } }).metrics).toEqual({ enabled: true, token: TOKEN, path: '/api/io/metrics' });
    expect(validateConfig({ metrics: { enabled: true, token: TOKEN, path: '/internal/metrics' } }).metrics).toMatchObject({ path: '/internal/metrics' });
  });
});
