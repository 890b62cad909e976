import type { Core } from '@strapi/strapi';

/**
 * CORS for the REST API and, through the io plugin, for Socket.IO alike. The example pages are
 * served by Strapi itself (same origin) and need nothing; a page on another origin is allowed by
 * listing it in CLIENT_URL (comma-separated). Strapi's default origin is '*', which it answers by
 * reflecting the request's origin.
 */
export default ({ env }: Core.Config.Shared.ConfigParams) => [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  { name: 'strapi::cors', config: { origin: env('CLIENT_URL', '*') } },
  'strapi::poweredBy',
  'strapi::query',
  'strapi::body',
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];
