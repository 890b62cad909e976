import { beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { useExampleApp } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';

const FROM_MIDDLEWARES = 'http://allowed.example';
const EXPLICIT = 'http://explicit.example';

const example = useExampleApp({
  seed: false,
  env: { CLIENT_URL: FROM_MIDDLEWARES },
  ioConfig: { contentTypes: ['api::article.article'], socket: { serverOptions: { cors: { origin: [EXPLICIT], credentials: false } } } },
});
let app: ExampleApp;

beforeAll(() => {
  app = example.app;
});

function headersOf(path: string, origin: string): Promise<IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const req = request(`${app.url}${path}`, { headers: { Origin: origin } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers));
    });
    req.on('error', reject);
    req.end();
  });
}

const HANDSHAKE = '/socket.io/?EIO=4&transport=polling';

describe('an explicit socket.serverOptions.cors', () => {
  it('replaces what strapi::cors allows, for Socket.IO only', async () => {
    const explicit = await headersOf(HANDSHAKE, EXPLICIT);
    expect(explicit['access-control-allow-origin']).toBe(EXPLICIT);
    expect(explicit['access-control-allow-credentials']).toBeUndefined();
    expect((await headersOf(HANDSHAKE, FROM_MIDDLEWARES))['access-control-allow-origin']).toBeUndefined();
    // REST keeps following strapi::cors.
    expect((await headersOf('/api/articles', FROM_MIDDLEWARES))['access-control-allow-origin']).toBe(FROM_MIDDLEWARES);
    expect((await headersOf('/api/articles', EXPLICIT))['access-control-allow-origin']).toBeUndefined();
  });
});
