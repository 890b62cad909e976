import { Box, Flex } from '@strapi/design-system';
import { Widget } from '@strapi/strapi/admin';
import { ChannelStatusBadge } from '../components/ChannelStatusBadge';
import { Figure, formatRate } from '../components/Figure';
import { totalEvents } from '../live/monitor-state';
import { useMonitorChannel } from '../live/use-monitor-channel';

/**
 * The home page widget: the same live channel as the monitoring page, so content events count
 * here too. The widget frame (title, icon, link to the monitoring page) is Strapi's.
 */
export function LiveWidget() {
  const { status, error, connectionCount, eventsPerSecond, totals } = useMonitorChannel();
  if (status === 'refused') return <Widget.NoPermissions />;
  return (
    <Flex direction="column" alignItems="flex-start" gap={5} data-testid="io-widget">
      <ChannelStatusBadge status={status} error={error} />
      <Box width="100%">
        <Flex gap={8} wrap="wrap">
          <Figure label="Connections" value={connectionCount} testId="io-widget-connections" />
          <Figure label="Events per second" value={formatRate(eventsPerSecond)} testId="io-widget-events-per-second" />
          <Figure label="Events sent" value={totalEvents(totals)} testId="io-widget-events-total" />
        </Flex>
      </Box>
    </Flex>
  );
}
