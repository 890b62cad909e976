import { Badge, EmptyStateLayout, IconButton, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Cross } from '@strapi/icons';
import type { ConnectionInfo } from '../contract';

const COLUMNS = ['Principal', 'Transport', 'Address', 'Rooms', 'Subscriptions', 'Connected since', ''];

const PRINCIPAL_KIND: Record<ConnectionInfo['principal']['kind'], { label: string; variant: 'neutral' | 'primary' | 'secondary' }> = {
  public: { label: 'Public', variant: 'neutral' },
  user: { label: 'User', variant: 'primary' },
  'api-token': { label: 'API token', variant: 'secondary' },
};

interface ConnectionsTableProps {
  connections: ConnectionInfo[];
  onDisconnect: (connection: ConnectionInfo) => void;
}

/** Connected client sockets, oldest first, each with a button that closes it. */
export function ConnectionsTable({ connections, onDisconnect }: ConnectionsTableProps) {
  if (connections.length === 0) {
    return <EmptyStateLayout content="No client is connected." />;
  }
  const rows = [...connections].sort((a, b) => a.connectedAt.localeCompare(b.connectedAt));
  return (
    <Table colCount={COLUMNS.length} rowCount={rows.length + 1} data-testid="io-connections">
      <Thead>
        <Tr>
          {COLUMNS.map((column, index) => (
            <Th key={index}>
              <Typography variant="sigma">{column}</Typography>
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {rows.map((connection) => (
          <ConnectionRow key={connection.id} connection={connection} onDisconnect={onDisconnect} />
        ))}
      </Tbody>
    </Table>
  );
}

function ConnectionRow({ connection, onDisconnect }: { connection: ConnectionInfo; onDisconnect: ConnectionsTableProps['onDisconnect'] }) {
  const { principal, transport, address, rooms, subscriptions, connectedAt } = connection;
  const kind = PRINCIPAL_KIND[principal.kind];
  return (
    <Tr data-socket-id={connection.id}>
      <Td>
        <Badge variant={kind.variant}>{kind.label}</Badge> <Typography>{principal.kind === 'public' ? '' : principal.label}</Typography>
      </Td>
      <Td>
        <Typography>{transport}</Typography>
      </Td>
      <Td>
        <Typography>{address}</Typography>
      </Td>
      <Td>
        <Typography>{rooms}</Typography>
      </Td>
      <Td>
        <Typography>{subscriptions}</Typography>
      </Td>
      <Td>
        <Typography title={connectedAt}>{new Date(connectedAt).toLocaleString()}</Typography>
      </Td>
      <Td>
        <IconButton label={`Disconnect ${principal.label} (${address})`} variant="ghost" onClick={() => onDisconnect(connection)}>
          <Cross />
        </IconButton>
      </Td>
    </Tr>
  );
}
