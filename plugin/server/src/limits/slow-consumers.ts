import type { Core } from '@strapi/strapi';
import type { IoServer } from '../socket/create-server';

/** Set on a connection while it is in the watch list: a flush (one per connection per send) then costs a property read. */
const WATCHED = Symbol('io.watchedForSlowness');

interface EngineSocket {
  [WATCHED]?: boolean;
  id: string;
  readyState: string;
  writeBuffer: { data?: unknown }[];
  transport: { name: string; writable: boolean; socket?: { bufferedAmount?: number; terminate?: () => void } };
  close(): void;
}

/**
 * The part of engine.io's server this needs: `connection` for each new one, and `flush`
 * (connection, packets) whenever a connection hands packets to its transport.
 */
interface EngineServer {
  on(event: 'connection' | 'flush', listener: (connection: EngineSocket) => void): unknown;
  off(event: 'connection' | 'flush', listener: (connection: EngineSocket) => void): unknown;
}

/** Bytes an engine.io connection holds for its client: queued in the websocket, and not yet flushed to it. */
export function bytesWaiting(connection: EngineSocket): number {
  let bytes = connection.transport.socket?.bufferedAmount ?? 0;
  for (const packet of connection.writeBuffer) {
    if (typeof packet.data === 'string') bytes += packet.data.length;
    else if (packet.data instanceof Uint8Array) bytes += packet.data.byteLength;
  }
  return bytes;
}

/**
 * Drops connections whose client does not read what it is sent (a stalled tab, a hostile client
 * that never reads): past `maxBytes` waiting, it is told why (if it ever reads again), its
 * connection is closed and its buffers freed at once. It may come back and recover its session.
 *
 * Looked at every `everyMs`, and only where something may be waiting: a connection is watched
 * from when it connects or hands packets to its transport (engine.io's `flush`, once per
 * connection per send, not per packet) until it is seen with nothing waiting and a writable
 * transport. So a sweep costs the connections written to lately, not every connection there is
 * (at 10,000 idle sockets a full sweep cost ~24 ms a second here). A long-polling client with no
 * poll pending has a transport that is not writable, so one that stops polling stays watched.
 */
export function watchSlowConsumers(strapi: Core.Strapi, io: IoServer, maxBytes: number, everyMs = 1_000): () => void {
  if (maxBytes <= 0) return () => {};
  const engine = io.engine as unknown as EngineServer;
  let watched: EngineSocket[] = [];
  const watch = (connection: EngineSocket) => {
    if (connection[WATCHED]) return;
    connection[WATCHED] = true;
    watched.push(connection);
  };
  engine.on('connection', watch);
  engine.on('flush', watch);
  const drop = (connection: EngineSocket, waiting: number) => {
    const reason = `Too slow to read: ${waiting} bytes were waiting to be sent (at most ${maxBytes})`;
    strapi.log.warn(`[io] dropped connection ${connection.id}: ${reason}`);
    for (const namespace of io._nsps.values()) {
      for (const socket of namespace.sockets.values()) {
        // Locally: a cluster adapter's broadcast (socket.emit, with recovery on) would wait for Redis, after the close.
        if ((socket.conn as unknown) === connection) namespace.local.to(socket.id).emit('io:error', { code: 'LIMIT_EXCEEDED', message: reason });
      }
    }
    connection.close();
    connection.transport.socket?.terminate?.();
  };
  /** Whether to keep watching `connection` after looking at it (dropping it if too much waits). */
  const check = (connection: EngineSocket): boolean => {
    if (connection.readyState === 'closed') return false;
    const waiting = bytesWaiting(connection);
    if (waiting > maxBytes) {
      drop(connection, waiting);
      return false;
    }
    return waiting > 0 || !connection.transport.writable;
  };
  const timer = setInterval(() => {
    const still: EngineSocket[] = [];
    for (const connection of watched) {
      let keep = false;
      try {
        keep = check(connection);
      } catch (error) {
        strapi.log.warn(`[io] could not check connection ${connection.id} for slowness: ${(error as Error).message}`);
      }
      if (keep) still.push(connection);
      else connection[WATCHED] = false;
    }
    watched = still;
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    engine.off('connection', watch);
    engine.off('flush', watch);
    for (const connection of watched) connection[WATCHED] = false;
    watched = [];
  };
}
