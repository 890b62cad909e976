import type { Core } from '@strapi/strapi';
import { grantExamplePermissions } from './bootstrap/permissions';
import { seedExampleContent } from './bootstrap/seed-content';

export default {
  register() {},

  /** First boot: REST permissions for the example roles, then a little content to look at. */
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await grantExamplePermissions(strapi);
    if (process.env.SEED_EXAMPLE_CONTENT !== 'false') await seedExampleContent(strapi);
  },
};
