/**
 * The example pages' schema registration, as the README tells an app to write it: the example
 * Strapi app's generated types (included by each page's tsconfig) type every uid, query and
 * document of @strapi-live/client, react and vue, with no generic.
 */
import type { Public } from '@strapi/strapi';

declare module '@strapi-live/client' {
  interface Register {
    contentTypes: Public.ContentTypeSchemas;
    components: Public.ComponentSchemas;
  }
}
