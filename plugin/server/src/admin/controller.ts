import type { Core } from '@strapi/strapi';
import type { FieldError } from './contract';
import { connectionsCsv } from './connections';
import { adminRuntimeOf } from './start-admin';
import type { AdminRuntime } from './start-admin';

/** The part of Koa's context these handlers use. */
export interface Context {
  request: { body?: unknown };
  query: Record<string, unknown>;
  params: Record<string, string | undefined>;
  status: number;
  body: unknown;
  type: string;
  set(field: string, value: string): void;
}

/** Strapi's ValidationError answer, exactly as its error middleware writes one. */
function refuse(ctx: Context, message: string, errors: FieldError[]): void {
  ctx.status = 400;
  ctx.body = { data: null, error: { status: 400, name: 'ValidationError', message, details: { errors } } };
}

const SOCKET_ID = /^[\w-]{1,64}$/;

/** The admin routes' handlers (routes.ts); the work is the admin runtime's (start-admin.ts). */
export const adminController = ({ strapi }: { strapi: Core.Strapi }) => {
  const runtime = (): AdminRuntime => {
    const found = adminRuntimeOf(strapi);
    if (!found) throw new Error('The io plugin has not started');
    return found;
  };

  return {
    async getSettings(ctx: Context) {
      ctx.body = { data: runtime().settings.view() };
    },

    async updateSettings(ctx: Context) {
      const result = await runtime().settings.save(ctx.request.body);
      if (!result.ok) {
        const count = result.errors.length;
        return refuse(ctx, count === 1 ? result.errors[0]!.message : `${count} settings are invalid; nothing was saved`, result.errors);
      }
      ctx.body = { data: result.settings };
    },

    async connections(ctx: Context) {
      ctx.body = { data: await runtime().connections.list() };
    },

    async exportConnections(ctx: Context) {
      const format = ctx.query.format ?? 'csv';
      if (format !== 'csv' && format !== 'json') return refuse(ctx, 'format must be csv or json', [{ path: ['format'], message: 'must be csv or json' }]);
      const rows = await runtime().connections.list();
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      ctx.set('Content-Disposition', `attachment; filename="io-connections-${stamp}.${format}"`);
      ctx.type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
      ctx.body = format === 'csv' ? connectionsCsv(rows) : JSON.stringify(rows, null, 2);
    },

    async disconnect(ctx: Context) {
      const id = ctx.params.id ?? '';
      // Cheapest first: a socket id's shape, before any node is asked.
      if (!SOCKET_ID.test(id)) return refuse(ctx, 'id must be a socket id', [{ path: ['id'], message: 'must be a socket id' }]);
      ctx.body = { data: { disconnected: await runtime().disconnect(id) } };
    },

    async stats(ctx: Context) {
      ctx.body = { data: runtime().stats() };
    },

    async channel(ctx: Context) {
      ctx.body = { data: runtime().channel() };
    },
  };
};
