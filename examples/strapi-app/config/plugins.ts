import type { Core } from '@strapi/strapi';
import path from 'path';

/**
 * The `io` entry is the seed plugin's config format; the plugin itself is loaded from the
 * workspace. CORS is set once, for REST and sockets, in config/middlewares.ts.
 */
export default ({ env }: Core.Config.Shared.ConfigParams) => {
  return {
    'users-permissions': {
      config: {
        jwtSecret: env('JWT_SECRET', 'example-jwt-secret-change-me'),
      },
    },
    io: {
      enabled: true,
      resolve: path.dirname(require.resolve('@strapi-live/plugin-io/package.json')),
      config: {
        contentTypes: [
          // The example pages read articles with exactly this populate: their events need no REST read.
          { uid: 'api::article.article', populate: { category: true, author: { populate: ['avatar'] } } },
          'api::category.category',
          'api::comment.comment',
          { uid: 'api::author.author', populate: ['avatar'] },
          // Localized (en, fr, de): one event per locale, with meta.locale.
          { uid: 'api::page.page', populate: { links: true, sections: { on: { 'page.rich-text': true, 'page.quote': true } }, cover: true } },
          // Single types: `<singularName>:update` when the entry changes.
          'api::homepage.homepage',
          'api::announcement.announcement',
        ],
        // No socket.serverOptions.cors: Socket.IO follows strapi::cors in config/middlewares.ts.
        // Many nodes on one database (REDIS_URL set): every node delivers every change to its sockets.
        ...(env('REDIS_URL') ? { redis: { url: env('REDIS_URL'), keyPrefix: env('REDIS_KEY_PREFIX', 'strapi-io') } } : {}),
        // Prometheus metrics at /api/io/metrics (IO_METRICS_TOKEN set): `Authorization: Bearer <it>`.
        ...(env('IO_METRICS_TOKEN') ? { metrics: { enabled: true, token: env('IO_METRICS_TOKEN') } } : {}),
      },
    },
  };
};
