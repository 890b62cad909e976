import type { AckError } from '@strapi-live/client/protocol';

interface ClosableSocket {
  id: string;
  nsp: { local: { to(room: string): { emit(event: 'io:error', error: AckError): unknown } } };
  disconnect(close?: boolean): unknown;
}

/**
 * Sends a socket of this node its last `io:error`, then disconnects it. Emitted locally: with
 * connection state recovery on, `socket.emit` is a broadcast, and a cluster adapter's broadcast
 * waits for Redis before writing, so the disconnect would go first and the reason be lost.
 * `count` reports the error (the metrics' errors by code).
 */
export function tellAndDisconnect(socket: ClosableSocket, error: AckError, count?: (code: AckError['code']) => void): void {
  count?.(error.code);
  socket.nsp.local.to(socket.id).emit('io:error', error);
  socket.disconnect(true);
}
