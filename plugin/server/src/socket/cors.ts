import { ServerResponse } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Core } from '@strapi/strapi';

/** `strapi::cors`'s options as `config/middlewares` gives them (Strapi 5.54, `@koa/cors` underneath). */
export interface StrapiCorsConfig {
  /** `'*'`, one origin, a comma-separated list, an array, or `(ctx) => any of those` (may be async). */
  origin?: string | string[] | ((ctx: unknown) => string | string[] | undefined | null | Promise<string | string[] | undefined | null>) | null;
  credentials?: boolean;
  methods?: string | string[];
  headers?: string | string[];
  expose?: string | string[];
  maxAge?: number | string;
}

/** The defaults of Strapi 5.54's `strapi::cors` middleware (`@strapi/core/dist/middlewares/cors.js`). */
export const STRAPI_CORS_DEFAULTS: Readonly<StrapiCorsConfig> = {
  origin: '*',
  maxAge: 31536000,
  credentials: true,
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
  headers: ['Content-Type', 'Authorization', 'Origin', 'Accept'],
};

/** What the `cors` package (Socket.IO's `cors` option) takes; `origin: false` sends no CORS header. */
export interface SocketCorsOptions {
  origin: string | false;
  credentials?: boolean;
  methods?: string | string[];
  allowedHeaders?: string | string[];
  exposedHeaders?: string | string[];
  maxAge?: number;
}

export type SocketCorsDelegate = (req: IncomingMessage, callback: (error: Error | null, options?: SocketCorsOptions) => void) => void;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The `strapi::cors` entry of the app's `config/middlewares`, over Strapi's defaults. Strapi 5.54
 * refuses to start without that middleware, and uses its default list when the app has no
 * `config/middlewares`; either way a missing entry means the defaults.
 */
export function readStrapiCors(strapi: Core.Strapi): StrapiCorsConfig {
  const middlewares = strapi.config.get('middlewares') as unknown;
  const entry = Array.isArray(middlewares)
    ? middlewares.find((item) => item === 'strapi::cors' || (isPlainObject(item) && item.name === 'strapi::cors'))
    : undefined;
  const config = isPlainObject(entry) && isPlainObject(entry.config) ? (entry.config as StrapiCorsConfig) : {};
  return { ...STRAPI_CORS_DEFAULTS, ...config };
}

/**
 * Strapi's own origin rule (`matchOrigin` of its cors middleware): no `Origin` header → `'*'`;
 * a list (array, comma-separated string, or what a function returns) containing `'*'` → the
 * request's origin, reflected; otherwise the request's origin if listed, else refused (`''`).
 * Reflecting rather than answering `*` is what lets `credentials: true` work in browsers.
 */
export async function matchStrapiOrigin(requestOrigin: string | undefined, configured: StrapiCorsConfig['origin'], ctx: () => unknown): Promise<string> {
  if (!requestOrigin) return '*';
  const list = typeof configured === 'function' ? await configured(ctx()) : configured;
  const origins = Array.isArray(list) ? list : list === undefined || list === null ? ['*'] : String(list).split(',').map((item) => item.trim());
  if (origins.includes('*')) return requestOrigin;
  return origins.includes(requestOrigin) ? requestOrigin : '';
}

/**
 * Socket.IO's CORS, following the app's `strapi::cors` settings, so that a page allowed to call the
 * REST API may open a socket and one that is not may not, with one setting. A delegate of the
 * `cors` package (which Socket.IO's engine runs on every HTTP request of the polling transport):
 * the origin is decided per request exactly as Strapi decides it, then answered as a fixed origin.
 * The `cors` package's own `origin: '*'` would answer a literal `*`, which browsers refuse with
 * `credentials: true`; Strapi reflects the origin instead, and so does this. An origin function
 * of Strapi's gets a Koa context built from the request, as the middleware gives it.
 */
export function corsFollowingStrapi(strapi: Core.Strapi, config: StrapiCorsConfig = readStrapiCors(strapi)): SocketCorsDelegate {
  const { origin, credentials, methods, headers, expose, maxAge } = config;
  const maxAgeSeconds = maxAge === undefined || maxAge === null ? undefined : Number(maxAge);
  const koaContext = (req: IncomingMessage) => {
    const app = (strapi.server as unknown as { app?: { createContext?(req: IncomingMessage, res: ServerResponse): unknown } }).app;
    return app?.createContext ? app.createContext(req, new ServerResponse(req)) : { req, request: { header: req.headers, headers: req.headers }, get: (name: string) => req.headers[name.toLowerCase()] ?? '' };
  };
  return (req, callback) => {
    matchStrapiOrigin(req.headers.origin, origin, () => koaContext(req))
      .then((allowed) => {
        if (!allowed) return callback(null, { origin: false });
        callback(null, {
          origin: allowed,
          ...(credentials !== undefined ? { credentials } : {}),
          ...(methods !== undefined ? { methods } : {}),
          ...(headers !== undefined ? { allowedHeaders: headers } : {}),
          ...(expose !== undefined ? { exposedHeaders: expose } : {}),
          ...(maxAgeSeconds !== undefined && Number.isFinite(maxAgeSeconds) ? { maxAge: maxAgeSeconds } : {}),
        });
      })
      .catch((error: unknown) => {
        strapi.log.error(`[io] the strapi::cors origin function threw; the request gets no CORS headers: ${(error as Error).stack ?? error}`);
        callback(null, { origin: false });
      });
  };
}
