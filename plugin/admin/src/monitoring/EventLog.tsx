import { Badge, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import type { ContentAction, MonitoredEvent } from '../contract';

const COLUMNS = ['Time', 'Content type', 'Action', 'documentId', 'Locale', 'Recipients'];
const ACTION_VARIANT: Record<ContentAction, 'success' | 'secondary' | 'danger'> = { create: 'success', update: 'secondary', delete: 'danger' };

/** The last content events sent, newest first: what and to how many sockets, never the payload. */
export function EventLog({ events }: { events: MonitoredEvent[] }) {
  if (events.length === 0) return <Typography textColor="neutral600">No content event yet: publish something.</Typography>;
  return (
    <Table colCount={COLUMNS.length} rowCount={events.length + 1} data-testid="io-event-log">
      <Thead>
        <Tr>
          {COLUMNS.map((column) => (
            <Th key={column}>
              <Typography variant="sigma">{column}</Typography>
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {events.map((event, index) => (
          <Tr key={`${event.ts}-${event.uid}-${event.documentId}-${event.locale}-${index}`} data-uid={event.uid} data-action={event.action} data-document-id={event.documentId}>
            <Td>
              <Typography title={new Date(event.ts).toISOString()}>{new Date(event.ts).toLocaleTimeString()}</Typography>
            </Td>
            <Td>
              <Typography>{event.uid}</Typography>
            </Td>
            <Td>
              <Badge variant={ACTION_VARIANT[event.action]}>{event.action}</Badge>
            </Td>
            <Td>
              <Typography>{event.documentId}</Typography>
            </Td>
            <Td>
              <Typography>{event.locale ?? '—'}</Typography>
            </Td>
            <Td>
              <Typography data-testid="io-event-recipients">{event.recipients}</Typography>
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
