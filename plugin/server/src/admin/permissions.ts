import type { Core } from '@strapi/strapi';

/** The admin RBAC actions of the plugin, as routes and the admin channel check them. */
export const ACTIONS = {
  readSettings: 'plugin::io.settings.read',
  updateSettings: 'plugin::io.settings.update',
  readMonitoring: 'plugin::io.monitoring.read',
} as const;

/**
 * Registers the actions with Strapi's admin permission provider, so that Settings → Roles lists
 * them under Plugins → Socket.IO and a super admin can grant them. Called from the plugin's
 * bootstrap, which Strapi runs before the admin's own: the admin then gives them to the super admin
 * role and keeps the grants other roles already have (it deletes permissions of unknown actions).
 */
export async function registerAdminActions(strapi: Core.Strapi): Promise<void> {
  const provider = (strapi.service('admin::permission') as { actionProvider: { registerMany(actions: unknown[]): Promise<void> } }).actionProvider;
  await provider.registerMany([
    { section: 'plugins', pluginName: 'io', uid: 'settings.read', displayName: 'Read settings', subCategory: 'settings' },
    { section: 'plugins', pluginName: 'io', uid: 'settings.update', displayName: 'Update settings', subCategory: 'settings' },
    { section: 'plugins', pluginName: 'io', uid: 'monitoring.read', displayName: 'Read monitoring', subCategory: 'monitoring' },
  ]);
}
