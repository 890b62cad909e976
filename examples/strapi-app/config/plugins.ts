import type { Core } from '@strapi/strapi';
import path from 'path';

/**
 * The `io` entry is the seed plugin's config format, unchanged; the plugin itself is loaded from
 * the workspace.
 */
export default ({ env }: Core.Config.Shared.ConfigParams) => {
  const clientUrls = env('CLIENT_URL');
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
        socket: {
          serverOptions: {
            // The cors package treats '*' as a wildcard only as a plain string, not inside an array.
            cors: { origin: clientUrls ? clientUrls.split(',') : '*', methods: ['GET', 'POST'] },
          },
        },
      },
    },
  };
};
