import type { IoServer } from './create-server';

// Socket.IO keeps a session for recovery after these disconnect reasons (socket.io/lib/socket.ts).
const RECOVERABLE = new Set(['transport error', 'transport close', 'forced close', 'ping timeout', 'server shutting down', 'forced server close']);

interface Ghost {
  rooms: string[];
  timer: NodeJS.Timeout;
  onExpire: () => void;
}

/**
 * Who may still want a room's events. A socket that dropped and may come back through connection
 * state recovery still counts for the recovery window: events emitted to its rooms meanwhile are
 * what Socket.IO replays when it returns, so they must still be emitted (and its live queries
 * still evaluated) while nobody connected is listening.
 */
export function createAudience(io: IoServer, windowMs: number) {
  const ghosts = new Map<string, Ghost>();
  const ghostRooms = new Map<string, number>();

  function release(socketId: string): Ghost | undefined {
    const ghost = ghosts.get(socketId);
    if (!ghost) return undefined;
    ghosts.delete(socketId);
    clearTimeout(ghost.timer);
    for (const room of ghost.rooms) {
      const count = (ghostRooms.get(room) ?? 1) - 1;
      if (count <= 0) ghostRooms.delete(room);
      else ghostRooms.set(room, count);
    }
    return ghost;
  }

  return {
    /** Whether anyone, connected or about to recover, is in this room. */
    has(room: string): boolean {
      return io.of('/').adapter.rooms.has(room) || ghostRooms.has(room);
    },

    /** Keeps a disconnected socket's rooms for the recovery window; `onExpire` runs if it never returns. */
    remember(socketId: string, rooms: Iterable<string>, reason: string, onExpire: () => void): boolean {
      if (windowMs <= 0 || !RECOVERABLE.has(reason)) return false;
      const kept = [...rooms].filter((room) => room !== socketId);
      for (const room of kept) ghostRooms.set(room, (ghostRooms.get(room) ?? 0) + 1);
      const timer = setTimeout(() => release(socketId)?.onExpire(), windowMs);
      timer.unref();
      ghosts.set(socketId, { rooms: kept, timer, onExpire });
      return true;
    },

    /** The socket recovered (or is gone for good): stop counting its ghost. True if there was one. */
    forget(socketId: string): boolean {
      return release(socketId) !== undefined;
    },

    /** The socket recovered on another node: its ghost goes as if its window were over. */
    end(socketId: string): void {
      release(socketId)?.onExpire();
    },

    close(): void {
      for (const ghost of ghosts.values()) clearTimeout(ghost.timer);
      ghosts.clear();
      ghostRooms.clear();
    },
  };
}

export type Audience = ReturnType<typeof createAudience>;
