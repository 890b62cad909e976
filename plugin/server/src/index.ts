import type { Core } from '@strapi/strapi';
import { adminController } from './admin/controller';
import { adminRoutes } from './admin/routes';
import bootstrap from './bootstrap';
import { installOuterSlot } from './capture/outer-slot';
import config from './config';
import destroy from './destroy';

export type * from './types';

export default {
  /** Before any plugin's bootstrap: a middleware that must run outside theirs (see capture/outer-slot.ts). */
  register({ strapi }: { strapi: Core.Strapi }) {
    installOuterSlot(strapi);
  },
  bootstrap,
  destroy,
  config,
  contentTypes: {},
  controllers: { admin: adminController },
  // The admin panel's API, under /io on the admin API (see admin/routes.ts).
  routes: { admin: adminRoutes },
  services: {},
  policies: {},
  middlewares: {},
};
