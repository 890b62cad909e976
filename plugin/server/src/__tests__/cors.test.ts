import { beforeAll, describe, expect, it } from 'vitest';
import { IncomingMessage, ServerResponse, request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';
import { createRequire } from 'node:module';
import { useExampleApp, connect } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';
import { STRAPI_CORS_DEFAULTS, corsFollowingStrapi, matchStrapiOrigin } from '../socket/cors';

const ALLOWED = 'http://allowed.example';
const ALSO_ALLOWED = 'http://also-allowed.example';
const REFUSED = 'http://refused.example';

// The example's config/middlewares.ts gives strapi::cors `origin: env('CLIENT_URL', '*')`; the io
// config has no socket.serverOptions.cors, so Socket.IO must follow strapi::cors.
const example = useExampleApp({ seed: false, env: { CLIENT_URL: `${ALLOWED}, ${ALSO_ALLOWED}` }, ioConfig: { contentTypes: ['api::article.article'] } });
let app: ExampleApp;

beforeAll(() => {
  app = example.app;
});

/** A plain HTTP request with the headers a browser would send; no CORS enforcement here, just the answer. */
function send(path: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${app.url}${path}`, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const HANDSHAKE = '/socket.io/?EIO=4&transport=polling';

describe('Socket.IO CORS follows strapi::cors', () => {
  it('answers a polling handshake from an allowed origin with that origin and credentials, as REST does', async () => {
    for (const origin of [ALLOWED, ALSO_ALLOWED]) {
      const handshake = await send(HANDSHAKE, { Origin: origin });
      expect(handshake.status).toBe(200);
      expect(handshake.body).toMatch(/^0\{"sid":/);
      expect(handshake.headers['access-control-allow-origin']).toBe(origin);
      expect(handshake.headers['access-control-allow-credentials']).toBe('true');
      expect(handshake.headers.vary).toMatch(/Origin/);
      const rest = await send('/api/articles', { Origin: origin });
      expect(rest.headers['access-control-allow-origin']).toBe(origin);
    }
  });

  it('sends no Access-Control-Allow-Origin to an origin strapi::cors does not list, as REST does', async () => {
    const handshake = await send(HANDSHAKE, { Origin: REFUSED });
    expect(handshake.headers['access-control-allow-origin']).toBeUndefined();
    expect(handshake.headers['access-control-allow-credentials']).toBeUndefined();
    const rest = await send('/api/articles', { Origin: REFUSED });
    expect(rest.headers['access-control-allow-origin']).toBeUndefined();
  });

  it("answers a preflight with strapi::cors's methods, headers and max age", async () => {
    const preflight = await send(HANDSHAKE, { Origin: ALLOWED, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' }, 'OPTIONS');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(preflight.headers['access-control-allow-methods']).toBe('GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS');
    expect(preflight.headers['access-control-allow-headers']).toBe('Content-Type,Authorization,Origin,Accept');
    expect(preflight.headers['access-control-max-age']).toBe('31536000');
  });

  it('lets a client without an Origin header (a server, a script) connect', async () => {
    expect((await send(HANDSHAKE, {})).status).toBe(200);
  });

  it('does not refuse a WebSocket by its Origin: browsers apply no CORS there, and sockets never authenticate by cookie', async () => {
    const socket = await connect(app.url, { transports: ['websocket'], extraHeaders: { Origin: REFUSED } });
    expect(socket.connected).toBe(true);
    socket.close();
  });
});

describe('the mapping of Strapi origin forms', () => {
  it.each<[string, Parameters<typeof matchStrapiOrigin>[1], string | undefined, string]>([
    ["'*' reflects the origin", '*', ALLOWED, ALLOWED],
    ['a single origin', ALLOWED, ALLOWED, ALLOWED],
    ['a single origin, another asks', ALLOWED, REFUSED, ''],
    ['a comma-separated string', `${ALSO_ALLOWED}, ${ALLOWED}`, ALLOWED, ALLOWED],
    ['an array', [ALLOWED], ALLOWED, ALLOWED],
    ["an array with '*'", ['http://x.example', '*'], REFUSED, REFUSED],
    ['null (a wildcard for Strapi)', null, REFUSED, REFUSED],
    ['no Origin header', ALLOWED, undefined, '*'],
    ['a function returning a list', () => [ALLOWED], ALLOWED, ALLOWED],
    ['an async function refusing', async () => ALLOWED, REFUSED, ''],
  ])('%s', async (_, configured, requestOrigin, expected) => {
    expect(await matchStrapiOrigin(requestOrigin, configured, () => ({}))).toBe(expected);
  });

  const cors = createRequire(import.meta.url)('cors') as (options: unknown) => (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

  /** Runs the real `cors` package (what Socket.IO's engine runs) with our options on a fake request. */
  async function corsHeaders(options: unknown, headers: Record<string, string>): Promise<Record<string, unknown>> {
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.headers = headers;
    const res = new ServerResponse(req);
    await new Promise<void>((resolve, reject) => cors(options)(req, res, (error) => (error ? reject(error) : resolve())));
    return res.getHeaders();
  }

  it("answers Strapi's default '*' with the request's origin, not a literal * that browsers refuse with credentials", async () => {
    const headers = await corsHeaders(corsFollowingStrapi(app.strapi, STRAPI_CORS_DEFAULTS), { origin: REFUSED });
    expect(headers['access-control-allow-origin']).toBe(REFUSED);
    expect(headers['access-control-allow-credentials']).toBe('true');
  });

  it('gives a Strapi origin function a Koa context of the request', async () => {
    const origin = (ctx: { get(name: string): string; request: { path: string } }) => (ctx.get('X-Tenant') === 'a' && ctx.request.path === '/socket.io/' ? ALLOWED : '');
    const delegate = corsFollowingStrapi(app.strapi, { ...STRAPI_CORS_DEFAULTS, origin: origin as never });
    const fake = (tenant: string) => ({ origin: ALLOWED, 'x-tenant': tenant });
    const request = (tenant: string) => {
      const req = new IncomingMessage(new Socket());
      req.url = '/socket.io/?EIO=4&transport=polling';
      req.headers = fake(tenant);
      return req;
    };
    const allowed = await new Promise((resolve) => delegate(request('a'), (_, options) => resolve(options)));
    expect(allowed).toMatchObject({ origin: ALLOWED, credentials: true });
    const refused = await new Promise((resolve) => delegate(request('b'), (_, options) => resolve(options)));
    expect(refused).toEqual({ origin: false });
  });
});
