/**
 * The registration a frontend writes once (README, "Types from your Strapi schema"), here with the
 * example app's generated types, and fixture-schema.ts for what the example app does not model yet
 * (components, dynamic zones, media, enumerations, numbers, json).
 */
import type { Public } from '@strapi/strapi';

declare module '@strapi-live/client' {
  interface Register {
    contentTypes: Public.ContentTypeSchemas;
    components: Public.ComponentSchemas;
  }
}
