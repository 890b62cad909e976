import { createHash, timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';

/** The part of Koa's context this middleware uses. */
interface Context {
  method: string;
  path: string;
  status: number;
  body: unknown;
  get(header: string): string;
  set(header: string, value: string): void;
}

/**
 * SHA-256 of a secret: equal-length buffers whatever was sent, so `timingSafeEqual` can compare
 * them and the time taken says nothing about the token, not even its length.
 */
const digest = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

/** Whether an `Authorization` header carries exactly this bearer token, compared in constant time. */
export function bearerMatches(header: string, expected: Buffer): boolean {
  const sent = /^Bearer +(\S+) *$/i.exec(header)?.[1] ?? '';
  // Compared even when nothing was sent, so a missing header costs what a wrong one does.
  return timingSafeEqual(digest(sent), expected) && sent !== '';
}

/**
 * `GET <path>` with `Authorization: Bearer <token>`: the registry's text exposition; 401 without
 * the token. A Koa middleware (`strapi.server.use`) rather than a plugin route: it is served at
 * exactly `path`, wherever the operator puts it (plugin content-API routes always live under
 * `/api/io/`), and it never appears among the users-permissions actions a role can be granted
 * in the admin (Strapi registers the controller action of every content-API route as one, even
 * with `auth: false`). Installed at bootstrap, it runs after Strapi's global middlewares (errors,
 * security headers, logger) and before its router. Other methods and paths go on untouched.
 *
 * Used like this (internal wiring, not a public API):
 * strapi.server.use(metricsRoute({ path: '/api/io/metrics', token, registry }));
 */
export function metricsRoute({ path, token, registry }: { path: string; token: string; registry: Registry }) {
  const expected = digest(token);
  return async (ctx: Context, next: () => Promise<unknown>): Promise<unknown> => {
    if (ctx.path !== path || ctx.method !== 'GET') return next();
    if (!bearerMatches(ctx.get('authorization'), expected)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer realm="strapi-io-metrics"');
      ctx.body = { data: null, error: { status: 401, name: 'UnauthorizedError', message: 'Send the metrics token of the io plugin as Authorization: Bearer <token>' } };
      return undefined;
    }
    ctx.set('Content-Type', registry.contentType);
    // Figures of this instant, for this scraper only.
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await registry.metrics();
    return undefined;
  };
}
