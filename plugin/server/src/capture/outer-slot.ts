import type { Core } from '@strapi/strapi';

export type DocumentMiddleware = (ctx: never, next: () => Promise<unknown>) => Promise<unknown>;

interface DocumentsWithMiddlewares {
  use(middleware: (ctx: never, next: () => Promise<unknown>) => Promise<unknown>): unknown;
}

const slots = new WeakMap<Core.Strapi, { middleware?: DocumentMiddleware }>();

/**
 * Called from the plugin's register(): puts a Document Service middleware of the plugin in place
 * before Strapi's plugins add theirs in their bootstrap, so that it runs outside them. i18n's
 * middleware copies a localized type's non-localized fields to the document's other locales after
 * the write returns; only from outside it can those copies be seen (shared-field-copies.ts). The
 * content capture itself stays inside Strapi's plugins, as any plugin's middleware, and does not
 * wrap their work in its transaction. What runs in the slot is set at bootstrap, once the plugin's
 * config is read; until then the slot passes every call on.
 */
export function installOuterSlot(strapi: Core.Strapi): void {
  const slot: { middleware?: DocumentMiddleware } = {};
  slots.set(strapi, slot);
  (strapi.documents as unknown as DocumentsWithMiddlewares).use((ctx, next) => (slot.middleware ? slot.middleware(ctx, next) : next()));
}

/**
 * Sets the middleware in the slot register() put in place; returns what takes it out again (at
 * destroy). Without a slot (register() did not run) nothing is set: inside i18n's middleware, what
 * it copies would not be there yet to be seen.
 */
export function setOuterMiddleware(strapi: Core.Strapi, middleware: DocumentMiddleware): () => void {
  const slot = slots.get(strapi);
  if (!slot) return () => {};
  slot.middleware = middleware;
  return () => {
    if (slot.middleware === middleware) slot.middleware = undefined;
  };
}
