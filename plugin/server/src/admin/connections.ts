import type { Core } from '@strapi/strapi';
import type { Principal } from '../auth/principal';
import type { IoServer, SocketData } from '../socket/create-server';
import { boundedClusterRequest } from '../cluster/cluster-request';
import { isReservedRoom, subscriptionCount } from '../subscriptions/rooms';
import type { ConnectionInfo } from './contract';

/** A socket of this node, or one of another node as `fetchSockets` returns it. */
export interface DescribedSocket {
  id: string;
  rooms: Set<string>;
  data: Partial<SocketData>;
  handshake: { address: string; headers: Record<string, string | string[] | undefined>; issued: number; query?: Record<string, unknown> };
  conn?: { transport: { name: string } };
}

/** Labels read from the database are kept this long (a renamed user shows its new name after it). */
const LABEL_TTL_MS = 60_000;
const MAX_LABELS = 10_000;

/**
 * Turns sockets into the monitoring page's rows: who (Public, a user's username or email, an API
 * token's name, read in one query per kind for a whole list), transport, address as the connection
 * guard computes it (`trustProxy`), app rooms, subscriptions, and the handshake's time.
 */
export function createConnections({ strapi, io, addressOf }: { strapi: Core.Strapi; io: IoServer; addressOf: (handshake: DescribedSocket['handshake']) => string }) {
  const labels = new Map<string, { label: string; until: number }>();

  const keyOf = (principal: Principal) => (principal.kind === 'user' ? `user:${principal.userId}` : principal.kind === 'api-token' ? `token:${principal.tokenId}` : 'public');

  async function readLabels(principals: Principal[]): Promise<void> {
    const now = Date.now();
    const users = new Set<number>();
    const tokens = new Set<number>();
    for (const principal of principals) {
      const cached = labels.get(keyOf(principal));
      if (cached && cached.until > now) continue;
      if (principal.kind === 'user') users.add(principal.userId);
      else if (principal.kind === 'api-token') tokens.add(principal.tokenId);
    }
    if (labels.size + users.size + tokens.size > MAX_LABELS) labels.clear();
    const until = now + LABEL_TTL_MS;
    if (users.size > 0) {
      const rows = (await strapi.db.query('plugin::users-permissions.user').findMany({ select: ['id', 'username', 'email'], where: { id: { $in: [...users] } } })) as { id: number; username?: string | null; email?: string | null }[];
      for (const id of users) {
        const row = rows.find((user) => user.id === id);
        labels.set(`user:${id}`, { label: row?.username || row?.email || `User #${id} (deleted)`, until });
      }
    }
    if (tokens.size > 0) {
      const rows = (await strapi.db.query('admin::api-token').findMany({ select: ['id', 'name'], where: { id: { $in: [...tokens] } } })) as { id: number; name?: string | null }[];
      for (const id of tokens) labels.set(`token:${id}`, { label: rows.find((token) => token.id === id)?.name || `API token #${id} (deleted)`, until });
    }
  }

  function transportOf(socket: DescribedSocket): ConnectionInfo['transport'] {
    // This node's sockets say it themselves; another node's carry what their node recorded.
    const name = socket.conn?.transport.name ?? socket.data.transport ?? socket.handshake.query?.transport;
    return name === 'polling' ? 'polling' : 'websocket';
  }

  function row(socket: DescribedSocket): ConnectionInfo {
    const principal = socket.data.io?.principal ?? ({ kind: 'public' } as const);
    let appRooms = 0;
    for (const room of socket.rooms) if (room !== socket.id && !isReservedRoom(room)) appRooms += 1;
    return {
      id: socket.id,
      principal: { kind: principal.kind, label: principal.kind === 'public' ? 'Public' : (labels.get(keyOf(principal))?.label ?? keyOf(principal)) },
      transport: transportOf(socket),
      address: addressOf(socket.handshake),
      rooms: appRooms,
      subscriptions: subscriptionCount(socket.rooms),
      connectedAt: new Date(socket.handshake.issued).toISOString(),
    };
  }

  async function describe(sockets: DescribedSocket[]): Promise<ConnectionInfo[]> {
    await readLabels(sockets.map((socket) => socket.data.io?.principal).filter((principal) => principal !== undefined));
    return sockets.map(row);
  }

  return {
    describe,

    /** Every client socket of every node (through the adapter), oldest first. */
    async list(): Promise<ConnectionInfo[]> {
      const sockets = (await boundedClusterRequest(strapi, 'the connections list', io.of('/').fetchSockets())) as unknown as DescribedSocket[];
      const rows = await describe(sockets);
      return rows.sort((a, b) => a.connectedAt.localeCompare(b.connectedAt) || a.id.localeCompare(b.id));
    },
  };
}

export type Connections = ReturnType<typeof createConnections>;

const CSV_COLUMNS = ['id', 'principalKind', 'principalLabel', 'transport', 'address', 'rooms', 'subscriptions', 'connectedAt'] as const;

/**
 * One CSV field: quoted when it holds a separator, a quote or a line break; a value a spreadsheet
 * would run as a formula (a username like `=HYPERLINK(...)`) is prefixed with `'`.
 */
function csvField(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The connection list as CSV, with a header row. */
export function connectionsCsv(rows: ConnectionInfo[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) {
    lines.push(
      [row.id, row.principal.kind, row.principal.label, row.transport, row.address, row.rooms, row.subscriptions, row.connectedAt].map(csvField).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
