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
          { uid: 'api::article.article', populate: ['category'] },
          'api::category.category',
          'api::comment.comment',
        ],
        // No socket.serverOptions.cors: Socket.IO follows strapi::cors in config/middlewares.ts.
        // Many nodes on one database (REDIS_URL set): every node delivers every change to its sockets.
        ...(env('REDIS_URL') ? { redis: { url: env('REDIS_URL'), keyPrefix: env('REDIS_KEY_PREFIX', 'strapi-io') } } : {}),
      },
    },
  };
};
