import { ACTIONS } from './permissions';

/** Strapi's own RBAC policy: the admin of the request must have `action`. */
const allowed = (action: string) => ({ policies: [{ name: 'admin::hasPermissions', config: { actions: [action] } }] });

/**
 * The admin API routes (`type: 'admin'`): Strapi mounts them under `/io` (the plugin's name) and
 * authenticates them as admin requests (admin access token, `Authorization: Bearer`); each checks
 * its RBAC action. A missing or invalid token is Strapi's 401, a missing action its 403.
 */
export const adminRoutes = {
  type: 'admin',
  routes: [
    { method: 'GET', path: '/settings', handler: 'admin.getSettings', config: allowed(ACTIONS.readSettings) },
    { method: 'PUT', path: '/settings', handler: 'admin.updateSettings', config: allowed(ACTIONS.updateSettings) },
    { method: 'GET', path: '/monitoring/connections', handler: 'admin.connections', config: allowed(ACTIONS.readMonitoring) },
    { method: 'GET', path: '/monitoring/connections/export', handler: 'admin.exportConnections', config: allowed(ACTIONS.readMonitoring) },
    { method: 'DELETE', path: '/monitoring/connections/:id', handler: 'admin.disconnect', config: allowed(ACTIONS.readMonitoring) },
    { method: 'GET', path: '/monitoring/stats', handler: 'admin.stats', config: allowed(ACTIONS.readMonitoring) },
    { method: 'GET', path: '/monitoring/channel', handler: 'admin.channel', config: allowed(ACTIONS.readMonitoring) },
  ],
};
