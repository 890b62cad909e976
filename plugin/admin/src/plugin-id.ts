/** The plugin's Strapi name (package.json `strapi.name`): admin routes live under `/io/...`. */
export const PLUGIN_ID = 'io';

/** Where the monitoring page is mounted in the admin (`/admin/plugins/io`). */
export const MONITORING_PATH = `plugins/${PLUGIN_ID}`;
