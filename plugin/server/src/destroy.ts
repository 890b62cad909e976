import type { Core } from '@strapi/strapi';
import { runtimes } from './bootstrap';

export default async function destroy({ strapi }: { strapi: Core.Strapi }): Promise<void> {
  await runtimes.get(strapi)?.close();
  runtimes.delete(strapi);
}
