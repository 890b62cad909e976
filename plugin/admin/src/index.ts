import type { StrapiApp } from '@strapi/strapi/admin';
import { Lightning } from '@strapi/icons';
import { MONITORING_PATH, PLUGIN_ID } from './plugin-id';
import { PERMISSIONS } from './permissions';

/**
 * The plugin's admin side: Settings → Socket.IO, the Socket.IO monitoring page in the main menu,
 * and a home page widget. Each shows only to admins holding its permission; the pages load lazily.
 */
const plugin = {
  register(app: StrapiApp) {
    app.registerPlugin({ id: PLUGIN_ID, name: PLUGIN_ID });

    app.addMenuLink({
      to: MONITORING_PATH,
      icon: Lightning,
      intlLabel: { id: `${PLUGIN_ID}.monitoring.link`, defaultMessage: 'Socket.IO' },
      permissions: PERMISSIONS.readMonitoring,
      Component: () => import('./monitoring/MonitoringPage'),
    });

    app.addSettingsLink(
      { id: PLUGIN_ID, intlLabel: { id: `${PLUGIN_ID}.settings.section`, defaultMessage: 'Socket.IO' } },
      {
        id: `${PLUGIN_ID}-settings`,
        to: PLUGIN_ID,
        intlLabel: { id: `${PLUGIN_ID}.settings.link`, defaultMessage: 'Configuration' },
        permissions: PERMISSIONS.readSettings,
        Component: () => import('./settings/SettingsPage'),
      },
    );

    // Strapi ≥ 5.13; older admins have no widgets API and simply go without the widget.
    app.widgets?.register({
      id: 'live',
      pluginId: PLUGIN_ID,
      icon: Lightning,
      title: { id: `${PLUGIN_ID}.widget.title`, defaultMessage: 'Socket.IO live' },
      link: { label: { id: `${PLUGIN_ID}.widget.link`, defaultMessage: 'Open monitoring' }, href: `/${MONITORING_PATH}` },
      permissions: PERMISSIONS.readMonitoring,
      component: () => import('./widget/LiveWidget').then(({ LiveWidget }) => LiveWidget),
    });
  },
};

export default plugin;
