import type { Core } from '@strapi/strapi';
import { ensureExampleLocales } from './bootstrap/locales';
import { grantExamplePermissions } from './bootstrap/permissions';
import { seedExampleContent } from './bootstrap/seed-content';

export default {
  register() {},

  /** First boot: the example's locales and REST permissions, then a little content to look at. */
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await ensureExampleLocales(strapi);
    await grantExamplePermissions(strapi);
    if (process.env.SEED_EXAMPLE_CONTENT !== 'false') await seedExampleContent(strapi);
  },
};
