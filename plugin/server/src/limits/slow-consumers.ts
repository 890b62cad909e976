import type { Core } from '@strapi/strapi';
import type { IoServer } from '../socket/create-server';

interface EngineSocket {
  id: string;
  writeBuffer: { data?: unknown }[];
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
  close(): void;
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
 * Looked at every `everyMs` (a property read per connection), not on every emit.
 */
export function watchSlowConsumers(strapi: Core.Strapi, io: IoServer, maxBytes: number, everyMs = 1_000): () => void {
  if (maxBytes <= 0) return () => {};
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
  const timer = setInterval(() => {
    // engine.io keeps its connections in a plain object, by id.
    for (const connection of Object.values((io.engine as unknown as { clients: Record<string, EngineSocket> }).clients)) {
      try {
        const waiting = bytesWaiting(connection);
        if (waiting > maxBytes) drop(connection, waiting);
      } catch (error) {
        strapi.log.warn(`[io] could not check connection ${connection.id} for slowness: ${(error as Error).message}`);
      }
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
