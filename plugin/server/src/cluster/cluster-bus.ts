import type { Core } from '@strapi/strapi';
import { Adapter } from 'socket.io-adapter';
import type { ReadersEmit } from '../api/emit-to-readers';
import type { SocketRequest } from '../api/io-api';
import type { AccessChange } from '../auth/watch-permission-changes';
import type { DocumentChange } from '../capture/document-change';
import type { IoServer } from '../socket/create-server';
import { decodeChanges, encodeChanges } from './change-codec';
import { ClusterRequestError, boundedClusterRequest } from './cluster-request';

/**
 * How often a node looks whether the paths its live queries read changed, and tells the others. A
 * write made on another node before it hears of a new query carries no states for it: the query is
 * then decided by a database read (see deliver-changes.ts), so this only bounds that extra cost.
 */
const ANNOUNCE_EVERY_MS = 250;
const REFRESH_EVERY_MS = 10_000;
/** A node not heard from for this long is gone (killed, partitioned): its paths are forgotten. */
const FORGET_AFTER_MS = 35_000;

type Paths = (readonly string[])[];
type PathEntries = [uid: string, paths: string[][]][];

/** What this node's live queries read, by type. */
export interface LocalQueries {
  pathsOf(uid: string): Paths;
  has(uid: string): boolean;
  uids(): Iterable<string>;
}

/** Events nodes send each other through the adapter (`io.serverSideEmit`). */
export interface ClusterEvents {
  /** Changes committed on the sending node, encoded by change-codec.ts. */
  'io:changes': (changes: string) => void;
  /** The paths the sending node's live queries read, by type. */
  'io:paths': (node: string, entries: PathEntries) => void;
  /** A role, permission, user or API token changed on the sending node. */
  'io:access': (change: AccessChange) => void;
  /** `strapi.$io.emit` was called on the sending node. */
  'io:emit': (emit: ReadersEmit) => void;
  /** A change to the entity subscriptions of a socket: the node that has it answers. */
  'io:on-socket': (request: SocketRequest, answer: (result: unknown) => void) => void;
  /** The settings page saved on the sending node: read the plugin store again. */
  'io:settings': () => void;
  /** The sending node has admins on its monitoring channel: push connection changes to them. */
  'io:admins': () => void;
}

const pathKey = (path: readonly string[]) => path.join('.');

/**
 * The plugin's traffic between nodes, over whatever adapter the server has (the Redis adapters,
 * or one an app sets in `hooks.init`): the node that commits a write sends the change once, with
 * the states its writer read, and every node delivers it to its own sockets. So that a writer reads
 * what every node's live queries need, nodes also tell each other which paths those read. With
 * the default in-memory adapter (one node), nothing is sent.
 */
export function createClusterBus({
  strapi,
  io,
  nodeId,
  local,
  onRemoteChanges,
  onRemoteAccess,
  onRemoteEmit,
  onSocketRequest,
  onRemoteSettings = () => {},
  onRemoteAdmins = () => {},
}: {
  strapi: Core.Strapi;
  io: IoServer;
  nodeId: string;
  local: LocalQueries;
  onRemoteChanges: (changes: DocumentChange[]) => void;
  onRemoteAccess: (change: AccessChange) => void;
  onRemoteEmit: (emit: ReadersEmit) => void;
  /** Runs a request for a socket if it is on this node; null when it is not. */
  onSocketRequest: (request: SocketRequest) => Promise<unknown>;
  onRemoteSettings?: () => void;
  onRemoteAdmins?: () => void;
}) {
  const remote = new Map<string, { heard: number; paths: Map<string, Paths> }>();
  let announced = '';
  let announcedAt = 0;

  /** Whether the adapter reaches other nodes (the in-memory one only warns on serverSideEmit). */
  const clustered = () => io.of('/').adapter.serverSideEmit !== Adapter.prototype.serverSideEmit;

  function send<E extends keyof ClusterEvents>(event: E, ...args: Parameters<ClusterEvents[E]>): void {
    try {
      // Redis down: the adapter's own promise fails; it is logged once by the Redis client.
      const sent = (io.serverSideEmit as (event: string, ...args: unknown[]) => unknown)(event, ...args);
      if (sent instanceof Promise) sent.catch(() => {});
    } catch (error) {
      strapi.log.warn(`[io] could not send ${event} to the other nodes: ${(error as Error).message}`);
    }
  }

  // Server-side events arrive on the main namespace, whichever adapter carries them (a replaced
  // adapter keeps these listeners).
  const on = io.on.bind(io) as unknown as (event: string, listener: (...args: unknown[]) => void) => void;
  on('io:changes', (text) => {
    try {
      onRemoteChanges(decodeChanges(text as string));
    } catch (error) {
      strapi.log.warn(`[io] ignored a change record from another node: ${(error as Error).message}`);
    }
  });
  on('io:access', (change) => onRemoteAccess(change as AccessChange));
  on('io:emit', (emit) => onRemoteEmit(emit as ReadersEmit));
  on('io:settings', () => onRemoteSettings());
  on('io:admins', () => onRemoteAdmins());
  on('io:on-socket', (request, answer) => {
    if (typeof answer !== 'function') return;
    onSocketRequest(request as SocketRequest)
      .then((result) => (answer as (result: unknown) => void)(result ?? null))
      .catch((error: Error) => {
        strapi.log.warn(`[io] a request from another node for a socket failed here: ${error.message}`);
        (answer as (result: unknown) => void)(null);
      });
  });
  on('io:paths', (node, entries) => {
    if (typeof node !== 'string' || !Array.isArray(entries)) return;
    remote.set(node, { heard: Date.now(), paths: new Map(entries as PathEntries) });
  });

  function localEntries(): PathEntries {
    return [...local.uids()].sort().map((uid) => [uid, local.pathsOf(uid).map((path) => [...path])]);
  }

  const timer = setInterval(() => {
    const now = Date.now();
    for (const [node, { heard }] of remote) if (now - heard > FORGET_AFTER_MS) remote.delete(node);
    if (!clustered()) return;
    const entries = localEntries();
    const text = JSON.stringify(entries);
    if (text === announced && now - announcedAt < REFRESH_EVERY_MS) return;
    announced = text;
    announcedAt = now;
    send('io:paths', nodeId, entries);
  }, ANNOUNCE_EVERY_MS);
  timer.unref();

  return {
    /** Sends changes this node committed to the other nodes (nothing without a cluster adapter). */
    publish(changes: readonly DocumentChange[]): void {
      if (changes.length > 0 && clustered()) send('io:changes', encodeChanges(changes));
    },

    /** Passes a `strapi.$io.emit` call on to the other nodes. */
    publishEmit(emit: ReadersEmit): void {
      if (clustered()) send('io:emit', emit);
    },

    /**
     * Asks the node that has a socket to run `request` for it: its answer, or null when every node
     * answered and none has it. Rejects when not every node could be asked or answered in time
     * (Redis down, a node stalled) and none that did has it: the socket may be on one of those.
     */
    onOwner(request: SocketRequest): Promise<unknown> {
      if (!clustered()) return Promise.resolve(null);
      const what = `${request.op} for socket ${request.socketId}`;
      const asked = new Promise<unknown>((resolve, reject) => {
        const emit = io.serverSideEmit as unknown as (event: string, ...args: unknown[]) => unknown;
        const unreachable = (error: unknown) => reject(new ClusterRequestError(what, (error as Error)?.message ?? String(error)));
        try {
          const sent = emit.call(io, 'io:on-socket', request, (error: Error | null, answers: unknown[] | undefined) => {
            const found = (answers ?? []).find((answer) => answer !== null && answer !== undefined);
            if (found !== undefined) resolve(found);
            else if (error) unreachable(error);
            else resolve(null);
          });
          if (sent instanceof Promise) sent.catch(unreachable);
        } catch (error) {
          unreachable(error);
        }
      });
      return boundedClusterRequest(strapi, what, asked);
    },

    /** Tells the other nodes the settings page saved here (they read the store again). */
    publishSettings(): void {
      if (clustered()) send('io:settings');
    },

    /** Tells the other nodes an admin watches the monitoring page here. */
    announceAdmins(): void {
      if (clustered()) send('io:admins');
    },

    /** Tells the other nodes that who may read what changed here. */
    publishAccess(change: AccessChange): void {
      if (clustered()) send('io:access', change);
    },

    /** Paths live queries on `uid` read on any node: what a write of `uid` here must load. */
    pathsOf(uid: string): Paths {
      const own = local.pathsOf(uid);
      if (remote.size === 0) return own;
      const all = new Map(own.map((path) => [pathKey(path), path]));
      for (const { paths } of remote.values()) for (const path of paths.get(uid) ?? []) all.set(pathKey(path), path);
      return [...all.values()];
    },

    /** Whether any node has live queries on `uid`. */
    hasQueries(uid: string): boolean {
      if (local.has(uid)) return true;
      for (const { paths } of remote.values()) if (paths.has(uid)) return true;
      return false;
    },

    /** The types with live queries on any node. */
    uids(): Set<string> {
      const all = new Set(local.uids());
      for (const { paths } of remote.values()) for (const uid of paths.keys()) all.add(uid);
      return all;
    },

    /** Whether the server's adapter reaches other nodes. */
    clustered,

    /** Announces this node's paths again at the next tick (Redis came back: announcements may have been lost). */
    reannounce(): void {
      announced = '';
    },

    close(): void {
      clearInterval(timer);
    },
  };
}

export type ClusterBus = ReturnType<typeof createClusterBus>;
