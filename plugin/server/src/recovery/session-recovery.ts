import type { Core } from '@strapi/strapi';
import { Adapter } from 'socket.io-adapter';
import type { Audience } from '../socket/audience';
import { RESERVED_PREFIX } from '../subscriptions/rooms';
import type { IoServer, IoSocket, SocketData } from '../socket/create-server';
import { createRecoveryLog, mergeMissed } from './recovery-log';
import type { LoggedPacket } from './recovery-log';

/** A session Socket.IO asked to keep (`persistSession`), until it recovers or its window ends. */
interface StoredSession {
  sid: string;
  pid: string;
  rooms: string[];
  data: SocketData;
  disconnectedAt: number;
  /** The node it is being handed to. */
  takenBy?: string;
}

/** What the node holding a session answers a node the client came back to. */
interface TakeAnswer {
  node: string;
  session: { sid: string; pid: string; rooms: string[]; data: SocketData };
}
interface PacketsAnswer {
  packets: Pick<LoggedPacket, 'data' | 'key'>[];
}

/** A restored session, until its socket is authenticated and caught up. */
interface Arrival {
  /** The node that held it: this one, or another (then it is handed over). */
  holder: string;
  pid: string;
  offset: string;
  rooms: string[];
  /** Set once authenticated: its group then, where this node's record starts, rooms without a query. */
  held?: { group: string | undefined; mark: number; silent: string[] };
}

const watchingKey = (sid: string) => `recovering:${sid}`;
const CONTENT_EVENT = /^[\w-]+:(create|update|delete)$/;
const ENTITY_ROOMS = `${RESERVED_PREFIX}entity:`;

/**
 * The right a replayed content event needs (`<uid>\u0000find|findOne`): `find` for a collection
 * subscription's (it says which) and for the broadcast, `findOne` for an entity room's (a socket
 * with a subscription is not in the broadcast). Undefined for any other packet.
 */
function readOf(data: readonly unknown[], socketRooms: ReadonlySet<string>): string | undefined {
  const meta = data[2] as { uid?: unknown; subscription?: unknown } | undefined;
  if (typeof data[0] !== 'string' || !CONTENT_EVENT.test(data[0]) || typeof meta?.uid !== 'string') return undefined;
  const throughEntity = meta.subscription === undefined && [...socketRooms].some((room) => room.startsWith(ENTITY_ROOMS));
  return `${meta.uid}\u0000${throughEntity ? 'findOne' : 'find'}`;
}

/** The documents of create and update events among the packets not sanitized again yet. */
function documentsOf(packets: { data: readonly unknown[] }[], done: Map<unknown, unknown>): { uid: string; document: unknown }[] {
  const pending = new Map<unknown, string>();
  for (const { data } of packets) {
    const meta = data[2] as { uid?: unknown } | undefined;
    if (typeof data[0] !== 'string' || !/:(create|update)$/.test(data[0]) || typeof meta?.uid !== 'string') continue;
    const document = data[1];
    if (typeof document === 'object' && document !== null && !done.has(document)) pending.set(document, meta.uid);
  }
  return [...pending].map(([document, uid]) => ({ uid, document }));
}

/** The reads the packets need that have no verdict yet. */
function readsOf(packets: { data: readonly unknown[] }[], socketRooms: ReadonlySet<string>, verdicts: Map<string, boolean>): string[] {
  const pending = new Set<string>();
  for (const { data } of packets) {
    const read = readOf(data, socketRooms);
    if (read && !verdicts.has(read)) pending.add(read);
  }
  return [...pending];
}

type Packet = { type: number; id?: number; data: unknown[] };
type Options = { rooms: Set<string>; except?: Set<string>; flags?: { local?: boolean; volatile?: boolean } };
type Ack<T> = (answer: T | null) => void;

const EVENT = 2;
/** How long an arrival waits to be completed by its socket's connection (auth may refuse it). */
const ARRIVAL_TTL_MS = 30_000;

const storable = (packet: Packet, opts: Options) => packet.type === EVENT && packet.id === undefined && opts.flags?.volatile === undefined;

/** A content event's id (`[event, payload, meta]`): the same on every node that sends it. */
function keyOf(data: readonly unknown[]): string | undefined {
  const meta = data[2] as { eventId?: unknown } | undefined;
  return typeof meta?.eventId === 'string' ? `event:${meta.eventId}` : undefined;
}

/**
 * Connection state recovery, done by the plugin rather than by Socket.IO's adapters, for two
 * reasons. Replay must wait for authentication: Socket.IO writes a recovered session's missed
 * packets and joins its rooms before the middlewares run, and while an (asynchronous) middleware
 * runs, packets sent to those rooms reach nobody and are lost for good. And Socket.IO's Redis
 * adapters keep for replay only what went through Redis, which content events do not: each node
 * delivers changes to its own sockets (`io.local`).
 *
 * So each node keeps, for the recovery window, what it sent to its rooms, with its own offsets. A
 * recovered socket is restored with its data but without its rooms; once authenticated it is sent
 * what it missed (including what was sent while it authenticated), and joins its rooms in the same
 * tick.
 *
 * A client that comes back to another node (B) is handed over by the one it left (A), in two steps
 * that leave no gap and no duplicate:
 * 1. B asks every node for the session (`io:recovery-take`); A answers with its rooms and data and
 *    goes on recording for it.
 * 2. Once the socket is authenticated, B starts evaluating its rooms (its queries come with the
 *    session data) and asks A for what it sent them after the client's offset (`io:recovery-packets`).
 *    A answers after delivering every change it had received, which includes every change B
 *    delivered before step 2 (the request travels after them through Redis), and forgets the
 *    session. B finishes delivering what it had received (which includes every change of A's
 *    answer), sends A's packets, then its own since step 2 that A's did not carry (by event id),
 *    and only then joins the rooms.
 * If A cannot answer (killed), the socket is closed and its session forgotten: the client comes
 * back with a new one, and the SDK subscribes again and reads.
 */
export function createSessionRecovery({
  strapi,
  io,
  nodeId,
  windowMs,
  audience,
  barrier,
  adopt,
  endGhost,
  mayRead,
  sanitize,
  stats,
}: {
  strapi: Core.Strapi;
  io: IoServer;
  nodeId: string;
  windowMs: number;
  audience: Audience;
  /** Resolves when every change received so far has been delivered here. */
  barrier: () => Promise<void>;
  /** Makes this node evaluate a session's query rooms; returns rooms it cannot. */
  adopt: (rooms: string[], held: SocketData['queries']) => string[];
  /** The session recovered elsewhere: drop what this node kept counting for it. */
  endGhost: (sid: string) => void;
  /** Whether a group may read a type now (replayed events are checked again). */
  mayRead: (groupKey: string, uid: string, action: 'find' | 'findOne') => Promise<boolean>;
  /** A document as the group may read it now (replayed documents are sanitized again). */
  sanitize: (groupKey: string, uid: string, document: unknown) => Promise<unknown>;
  stats: { movedIn: number; replayed: number };
}) {
  const log = createRecoveryLog({ tag: nodeId.slice(0, 8), windowMs });
  const sessions = new Map<string, StoredSession>();
  const arrivals = new Map<string, Arrival>();
  /** Sessions given up on: not kept again when their socket closes. */
  const abandoned = new Set<string>();

  const expired = (session: StoredSession) => session.disconnectedAt + windowMs < Date.now();
  const cleanup = setInterval(() => {
    for (const [pid, session] of sessions) if (expired(session)) sessions.delete(pid);
    abandoned.clear();
  }, Math.max(1_000, Math.min(windowMs, 60_000)));
  cleanup.unref();

  /** Asks every other node; resolves with the answers that came (a dead node's never does). */
  function ask<T>(event: string, ...args: unknown[]): Promise<(T | null)[]> {
    // One node: nobody to ask (the in-memory adapter would never call back).
    if (io.of('/').adapter.serverSideEmit === Adapter.prototype.serverSideEmit) return Promise.resolve([]);
    return new Promise((resolve) => {
      const emit = io.serverSideEmit as unknown as (event: string, ...rest: unknown[]) => unknown;
      try {
        const sent = emit.call(io, event, ...args, (_error: Error | null, answers: (T | null)[] | undefined) => resolve(answers ?? []));
        if (sent instanceof Promise) sent.catch(() => resolve([]));
      } catch {
        resolve([]);
      }
    });
  }

  const on = io.on.bind(io) as unknown as (event: string, listener: (...args: never[]) => void) => void;

  on('io:recovery-take', (pid: string, offset: string, requester: string, ack: Ack<TakeAnswer>) => {
    if (typeof ack !== 'function') return;
    const session = typeof pid === 'string' ? sessions.get(pid) : undefined;
    if (!session || expired(session) || session.takenBy || typeof offset !== 'string' || !log.holds(offset)) return ack(null);
    session.takenBy = String(requester);
    const { sid, rooms, data } = session;
    ack({ node: nodeId, session: { sid, pid, rooms, data } });
  });

  on('io:recovery-packets', (pid: string, offset: string, requester: string, ack: Ack<PacketsAnswer>) => {
    if (typeof ack !== 'function') return;
    const session = typeof pid === 'string' ? sessions.get(pid) : undefined;
    if (!session || session.takenBy !== requester) return ack(null);
    barrier()
      .then(() => {
        // In one go after the barrier: nothing is delivered here between the list and the end.
        const packets = log.after(offset, new Set(session.rooms));
        sessions.delete(pid);
        endGhost(session.sid);
        ack(packets ? { packets: packets.map(({ data, key }) => ({ data: [...data], key })) } : null);
      })
      .catch((error: Error) => {
        strapi.log.warn(`[io] handing session ${session.sid} over to another node failed: ${error.message}`);
        ack(null);
      });
  });

  /** Records a packet this node sends and gives it its offset. */
  function recordAndStamp(packet: Packet, opts: Options, key: string | undefined): void {
    const offset = log.record(packet.data.slice(), { rooms: opts.rooms, except: opts.except }, key);
    packet.data.push(offset);
  }

  return {
    /** Makes the namespace's adapter (any: Redis, or one an app set) keep sessions this way. */
    install(adapter: Adapter): void {
      const target = adapter as unknown as Record<string, unknown>;
      // One node (the in-memory adapter, session-aware or not): every emit is local, and the base
      // class sends it (Socket.IO's SessionAwareAdapter would add offsets of its own).
      const inMemory = adapter.serverSideEmit === Adapter.prototype.serverSideEmit;
      const broadcast = (inMemory ? Adapter.prototype.broadcast : adapter.broadcast).bind(adapter) as (packet: Packet, opts: Options) => unknown;
      target.broadcast = (packet: Packet, opts: Options) => {
        // Local emits (the plugin's content events) never reach Redis: recorded here. With a
        // cluster adapter, others get their offset in addOffsetIfNecessary, here and on every node
        // that delivers them.
        if ((inMemory || opts.flags?.local) && storable(packet, opts)) recordAndStamp(packet, opts, keyOf(packet.data));
        return broadcast(packet, opts);
      };
      // Cluster adapters (the streams one) call this with the Redis stream id of a broadcast, on
      // the node that sent it and on every node that delivers it: the same key everywhere.
      target.addOffsetIfNecessary = (packet: Packet, opts: Options, streamOffset: string) => {
        if (storable(packet, opts)) recordAndStamp(packet, opts, `stream:${streamOffset}`);
      };
      // Also what bootstrap's forgetRecoverySession deletes from.
      target.sessions = sessions;
      target.persistSession = (session: Omit<StoredSession, 'disconnectedAt'>) => {
        if (abandoned.delete(session.pid)) return;
        sessions.set(session.pid, { sid: session.sid, pid: session.pid, rooms: session.rooms, data: session.data, disconnectedAt: Date.now() });
      };
      target.restoreSession = (pid: string, offset: string) => restore(pid, offset);
    },

    /**
     * For every authenticated connection, before its session is attached (which ends the ghost
     * that kept its rooms listened to): a restored session's rooms stay listened to, and recorded
     * here, until it has caught up ({@link arrive}).
     */
    hold(socket: IoSocket): void {
      const arrival = arrivals.get(socket.id);
      if (!arrival || arrival.held) return;
      arrival.held = { group: socket.data.io?.groupKey, mark: log.mark(), silent: arrival.holder === nodeId ? [] : adopt(arrival.rooms, socket.data.queries) };
      audience.remember(watchingKey(socket.id), arrival.rooms, 'transport close', () => {});
    },

    /**
     * For every connection, once its session is attached: a restored session gets what it missed
     * (what was sent while it authenticated too), without what its principal may no longer read,
     * and joins its rooms in the same tick. From another node, it is handed over first (see the
     * top of this file). False when the session had to be given up (the client comes back with a
     * new one).
     */
    async arrive(socket: IoSocket): Promise<boolean> {
      const arrival = arrivals.get(socket.id);
      if (!arrival?.held) return true;
      arrivals.delete(socket.id);
      const { held } = arrival;
      const rooms = new Set(arrival.rooms);
      try {
        let fromHolder: PacketsAnswer | undefined;
        if (arrival.holder !== nodeId) {
          const answers = await ask<PacketsAnswer>('io:recovery-packets', arrival.pid, arrival.offset, nodeId);
          fromHolder = answers.find((answer) => answer && Array.isArray(answer.packets)) ?? undefined;
          // Every change the holder's packets came from reached this node before its answer did
          // (one Redis connection, in order): once they are delivered here too, this node's record
          // of them is complete, and none of them can still reach the socket after it joins.
          await barrier();
        }
        const missed = () =>
          arrival.holder === nodeId
            ? log.after(arrival.offset, rooms)?.map(({ data, key, offset }) => ({ data, key, offset: offset as string | undefined }))
            : fromHolder && mergeMissed(fromHolder.packets, log.since(held.mark, rooms)).map(({ data, key }) => ({ data, key, offset: undefined as string | undefined }));
        // As its principal may read now (a permission removed while it was away): whether it may
        // read each type the missed events carry, and each document they carry sanitized again
        // (a relation or field it lost). Asked again if a write meanwhile brought more.
        const groupKey = socket.data.io?.groupKey;
        const verdicts = new Map<string, boolean>();
        const documents = new Map<unknown, unknown>();
        for (;;) {
          const current = missed() ?? [];
          const reads = readsOf(current, rooms, verdicts);
          const unsanitized = documentsOf(current, documents);
          if (!groupKey || (reads.length === 0 && unsanitized.length === 0)) break;
          for (const read of reads) verdicts.set(read, await mayRead(groupKey, ...(read.split('\u0000') as [string, 'find' | 'findOne'])));
          for (const { uid, document } of unsanitized) documents.set(document, await sanitize(groupKey, uid, document));
        }
        if (!socket.connected) return false;
        const packets = missed();
        // Its credentials now put it in another group (a user's new role): what it missed was
        // sanitized for the old one, and its rooms are the old group's. It starts over.
        const problem = !packets
          ? arrival.holder === nodeId ? 'its offset is gone' : 'the node it left did not answer'
          : held.silent.length > 0 ? `no query for ${held.silent.length} room(s)`
          : held.group !== groupKey ? 'its group changed' : undefined;
        if (problem) {
          strapi.log.info(`[io] socket ${socket.id} could not be recovered (${problem}); it reconnects with a new session`);
          abandoned.add(arrival.pid);
          // 'forced close': the client reconnects by itself, and gets a new session.
          socket.conn.close();
          return false;
        }
        if (arrival.holder !== nodeId) stats.movedIn += 1;
        for (const { data, key, offset } of packets!) {
          const read = readOf(data, rooms);
          if (read && !verdicts.get(read)) continue;
          const document = documents.has(data[1]) ? documents.get(data[1]) : data[1];
          if (document === undefined || document === null) continue;
          const sent = document === data[1] ? data : [data[0], document, ...data.slice(2)];
          // Offsets of another node, or of a packet sanitized again, mean nothing here: recorded
          // again, for this socket.
          const own = offset !== undefined && sent === data ? offset : log.record(sent, { rooms: [socket.id] }, key);
          (socket.emit as unknown as (...args: unknown[]) => void)(...sent, own);
          stats.replayed += 1;
        }
        socket.join([...rooms]);
        return true;
      } finally {
        audience.forget(watchingKey(socket.id));
      }
    },

    /** How many packets are kept for recovery (for stats). */
    get kept(): number {
      return log.size;
    },

    close(): void {
      clearInterval(cleanup);
      sessions.clear();
      arrivals.clear();
    },
  };

  async function restore(pid: string, offset: string) {
    const own = sessions.get(pid);
    let restored: { node: string; session: TakeAnswer['session'] } | undefined;
    if (own) {
      sessions.delete(pid);
      if (expired(own) || own.takenBy || !log.holds(offset)) return null;
      restored = { node: nodeId, session: own };
    } else {
      const answers = await ask<TakeAnswer>('io:recovery-take', pid, offset, nodeId);
      restored = answers.find((answer) => answer?.session?.pid === pid) ?? undefined;
    }
    if (!restored) return null;
    const { sid, rooms, data } = restored.session;
    arrivals.set(sid, { holder: restored.node, pid, offset, rooms });
    setTimeout(() => arrivals.delete(sid), ARRIVAL_TTL_MS).unref();
    // Without its rooms and what it missed: both once it is authenticated (catchUp, arrive).
    return { sid, pid, rooms: [], data, missedPackets: [] };
  }
}

export type SessionRecovery = ReturnType<typeof createSessionRecovery>;
