/** The Strapi instance (typed with `strapi.$io`) and the values the server snippets pass around. */
import type { Core } from '@strapi/strapi';
import '@strapi-live/plugin-io/types';

declare global {
  const strapi: Core.Strapi;
  const data: Record<string, unknown>;
  const stats: Record<string, unknown>;
}
