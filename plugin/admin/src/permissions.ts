/**
 * The admin RBAC actions the server registers (plugin::io.*). Links, pages and the Save button
 * use them so that an admin sees only what the server would let them do; the server checks them
 * again on every route and on the live channel.
 */
const permission = (action: string) => ({ action, subject: null });

export const PERMISSIONS = {
  readSettings: [permission('plugin::io.settings.read')],
  updateSettings: [permission('plugin::io.settings.update')],
  readMonitoring: [permission('plugin::io.monitoring.read')],
};
