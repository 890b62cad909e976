import type { ConnectionInfo, MonitorEvents, MonitoredEvent, Totals } from '../contract';

/** How many content events the log keeps (the server's snapshot sends its last 100). */
export const EVENT_LOG_SIZE = 100;

export type ChannelStatus =
  /** Connecting, or reconnecting after a drop (the last numbers stay on screen meanwhile). */
  | 'connecting'
  | 'live'
  /** The server refused this admin (no `plugin::io.monitoring.read`, or the session ended). */
  | 'refused';

export interface MonitorState {
  status: ChannelStatus;
  /** Why the channel is refused or offline, as the server or the transport said it. */
  error: string | null;
  /** Connected client sockets on every node, by socket id (admin sockets are not listed). */
  connections: ConnectionInfo[];
  connectionCount: number;
  eventsPerSecond: number;
  totals: Totals;
  /** Newest first, at most EVENT_LOG_SIZE. */
  events: MonitoredEvent[];
}

type Payload<E extends keyof MonitorEvents> = Parameters<MonitorEvents[E]>[0];

export type MonitorAction =
  | { type: 'status'; status: ChannelStatus; error?: string | null }
  | { type: 'snapshot'; snapshot: Payload<'monitor:snapshot'> }
  | { type: 'connection'; change: Payload<'monitor:connection'> }
  | { type: 'event'; event: MonitoredEvent }
  | { type: 'stats'; stats: Payload<'monitor:stats'> };

export const initialMonitorState: MonitorState = {
  status: 'connecting',
  error: null,
  connections: [],
  connectionCount: 0,
  eventsPerSecond: 0,
  totals: {},
  events: [],
};

/**
 * Folds the live channel's messages into what the screens show. The snapshot (sent on every
 * connect, so also after a reconnect) replaces everything; connection changes and events update
 * the numbers at once, and the per-second stats then set them to the server's own count, so the
 * screen never drifts for longer than a second.
 */
export function monitorReducer(state: MonitorState, action: MonitorAction): MonitorState {
  switch (action.type) {
    case 'status':
      return { ...state, status: action.status, error: action.error ?? null };
    case 'snapshot': {
      const { connections, stats } = action.snapshot;
      return {
        status: 'live',
        error: null,
        connections,
        connectionCount: stats.connections,
        eventsPerSecond: stats.eventsPerSecond,
        totals: stats.totals,
        events: stats.recentEvents.slice(0, EVENT_LOG_SIZE),
      };
    }
    case 'connection': {
      const { type, connection } = action.change;
      const others = state.connections.filter(({ id }) => id !== connection.id);
      const known = others.length !== state.connections.length;
      if (type === 'connected') {
        return { ...state, connections: [...others, connection], connectionCount: state.connectionCount + (known ? 0 : 1) };
      }
      return { ...state, connections: others, connectionCount: Math.max(0, state.connectionCount - (known ? 1 : 0)) };
    }
    case 'event': {
      const { event } = action;
      const forType = state.totals[event.uid] ?? { create: 0, update: 0, delete: 0 };
      return {
        ...state,
        totals: { ...state.totals, [event.uid]: { ...forType, [event.action]: forType[event.action] + 1 } },
        events: [event, ...state.events].slice(0, EVENT_LOG_SIZE),
      };
    }
    case 'stats': {
      const { connections, eventsPerSecond, totals } = action.stats;
      return { ...state, connectionCount: connections, eventsPerSecond, totals };
    }
  }
}

/** Every content event counted in `totals`, all types and actions together. */
export const totalEvents = (totals: Totals): number =>
  Object.values(totals).reduce((sum, counts) => sum + counts.create + counts.update + counts.delete, 0);
