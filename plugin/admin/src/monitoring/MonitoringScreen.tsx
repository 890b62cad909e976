import { Flex, Grid } from '@strapi/design-system';
import { Layouts, Page, useNotification } from '@strapi/strapi/admin';
import { ChannelStatusBadge } from '../components/ChannelStatusBadge';
import { Figure, formatRate } from '../components/Figure';
import { Section } from '../components/Section';
import type { ConnectionInfo } from '../contract';
import { totalEvents } from '../live/monitor-state';
import { useMonitorChannel } from '../live/use-monitor-channel';
import { ConnectionsTable } from './ConnectionsTable';
import { EventLog } from './EventLog';
import { EventTotalsTable } from './EventTotalsTable';
import { ExportButtons } from './ExportButtons';
import { errorMessage, useMonitoringActions } from './use-monitoring-actions';

/** Everything on the page comes from the live channel; the only HTTP calls are the two actions. */
export function MonitoringScreen() {
  const monitor = useMonitorChannel();
  const { disconnect, exportConnections } = useMonitoringActions();
  const { toggleNotification } = useNotification();

  const onDisconnect = async ({ id, principal }: ConnectionInfo) => {
    try {
      const disconnected = await disconnect(id);
      toggleNotification(
        disconnected ? { type: 'success', message: `Disconnected ${principal.label}.` } : { type: 'info', message: 'That socket had already gone.' },
      );
    } catch (error) {
      toggleNotification({ type: 'danger', message: `Could not disconnect: ${errorMessage(error)}` });
    }
  };
  const onExport = (format: 'csv' | 'json') =>
    exportConnections(format).catch((error: unknown) => toggleNotification({ type: 'danger', message: `Export failed: ${errorMessage(error)}` }));

  if (monitor.status === 'refused') {
    return <Page.Error content={`The live channel refused this session: ${monitor.error ?? 'no access'}.`} />;
  }

  return (
    <Page.Main>
      <Layouts.Header
        title="Socket.IO monitoring"
        subtitle="Client connections and the content events sent to them, pushed live by the server."
        secondaryAction={<ChannelStatusBadge status={monitor.status} error={monitor.error} />}
        primaryAction={<ExportButtons onExport={onExport} />}
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          <Section title="Now">
            <Grid.Root gap={5}>
              <Grid.Item col={4} s={12}>
                <Figure label="Connections" value={monitor.connectionCount} testId="io-connection-count" />
              </Grid.Item>
              <Grid.Item col={4} s={12}>
                <Figure label="Events per second" value={formatRate(monitor.eventsPerSecond)} testId="io-events-per-second" />
              </Grid.Item>
              <Grid.Item col={4} s={12}>
                <Figure label="Events sent" value={totalEvents(monitor.totals)} testId="io-events-total" />
              </Grid.Item>
            </Grid.Root>
          </Section>
          <Section title="Connections" description="Client sockets on every node. Disconnecting one closes it; the client decides whether to come back.">
            <ConnectionsTable connections={monitor.connections} onDisconnect={onDisconnect} />
          </Section>
          <Section title="Events per content type" description="Since the server started.">
            <EventTotalsTable totals={monitor.totals} />
          </Section>
          <Section title="Event log" description="The last content events sent: type, action, document and how many sockets received each. Never the content.">
            <EventLog events={monitor.events} />
          </Section>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
}
