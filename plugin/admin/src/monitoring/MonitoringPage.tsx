import { Page } from '@strapi/strapi/admin';
import { PERMISSIONS } from '../permissions';
import { MonitoringScreen } from './MonitoringScreen';

/**
 * The monitoring page (`/admin/plugins/io`). The menu link is hidden without
 * `plugin::io.monitoring.read`; this guard refuses the page itself to an admin who types its URL,
 * and the server refuses the live channel and the routes as well.
 */
export default function MonitoringPage() {
  return (
    <Page.Protect permissions={PERMISSIONS.readMonitoring}>
      <Page.Title>Socket.IO monitoring</Page.Title>
      <MonitoringScreen />
    </Page.Protect>
  );
}
