import { Page, useRBAC } from '@strapi/strapi/admin';
import { PERMISSIONS } from '../permissions';
import { SettingsForm } from './SettingsForm';
import { useSettings } from './use-settings';

/** Settings → Socket.IO. Only for admins with `plugin::io.settings.read` (the link is hidden otherwise). */
export default function SettingsPage() {
  return (
    <Page.Protect permissions={PERMISSIONS.readSettings}>
      <Page.Title>Socket.IO settings</Page.Title>
      <SettingsScreen />
    </Page.Protect>
  );
}

function SettingsScreen() {
  const { load, save } = useSettings();
  const { allowedActions, isLoading } = useRBAC({ update: PERMISSIONS.updateSettings });

  if (load.status === 'loading' || isLoading) return <Page.Loading />;
  if (load.status === 'error') return <Page.Error content={`Could not load the settings: ${load.message}`} />;
  return (
    <Page.Main>
      <SettingsForm settings={load.settings} canUpdate={allowedActions.canUpdate === true} save={save} />
    </Page.Main>
  );
}
