import type { Core } from '@strapi/strapi';
import type { ContentAction, DeletedDocument, DocumentStatus, EventMeta, StrapiDocument } from '@strapi-live/client/protocol';
import type { AccessControl } from '../auth/access-control';
import type { DocumentChange } from '../capture/document-change';
import type { Audience } from '../socket/audience';
import type { IoServer } from '../socket/create-server';
import { metricsOf } from '../metrics/install-metrics';
import type { CollectionSubscriptions } from '../subscriptions/collection-subscriptions';
import { entityKey, rooms } from '../subscriptions/rooms';
import type { WatchedType } from './content-types';
import { createEventIds } from './event-ids';
import { createViewReader } from './view-reader';
import { createRelatedNotifier } from './related-notifier';
import { createQueryEmissions } from './query-emissions';
import type { Emission } from './query-emissions';

export interface DeliveryStats {
  /** Content events handed to Socket.IO (one per group, change and target). */
  emitted: number;
  /** Calls to Strapi's output sanitizer. */
  sanitized: number;
  /** Evaluations of a live query's filter on one state of a document (in memory). */
  evaluated: number;
  /** Reads of document states for live queries (inside writes' transactions). */
  stateReads: number;
  /** Database reads for live queries the matcher could not decide on a state. */
  fallbackReads: number;
  /** Sessions recovered on this node from another node (many nodes only). */
  movedIn: number;
  /** Packets sent to sockets that recovered from another node, for what they missed. */
  replayed: number;
}

/** Told of every content event emitted, synchronously and without its payload (the admin's event log). */
export interface DeliveryObserver {
  emitted(uid: string, action: ContentAction, meta: EventMeta, targets: readonly string[]): void;
}

/**
 * Turns committed changes into events for the sockets of this node. Per change and view: find who
 * on this node wants it (broadcast, entity and collection-subscription rooms of each principal
 * group that may read it), read the document once as REST would, sanitize it once per group, and
 * emit once per group and target. Changes of one document are delivered in commit order, so no
 * reader sees an older state last.
 */
export function createDelivery({
  strapi,
  io,
  audience,
  access,
  watched,
  queries,
  stats,
  draftsReadable = true,
  observer,
}: {
  strapi: Core.Strapi;
  io: IoServer;
  audience: Audience;
  access: AccessControl;
  watched: Map<string, WatchedType>;
  queries: CollectionSubscriptions;
  stats: DeliveryStats;
  /**
   * Whether every reader of a type may read its drafts (`security.draftView: 'rest'`, as REST's
   * `?status=draft` allows); otherwise `io:related` names only documents with a published version.
   */
  draftsReadable?: boolean;
  observer?: DeliveryObserver;
}) {
  const nextEventId = createEventIds();
  const chains = new Map<string, Promise<void>>();
  /** `io:related` being worked out, outside the chains. */
  const telling = new Set<Promise<void>>();


  /**
   * Broadcast and entity rooms of every group that may read the type (published view only). A
   * single type is read with `find` and its entity rooms are the type's (see `entityKey`).
   */
  async function roomTargets(type: WatchedType, documentId: string, action: ContentAction): Promise<Emission[]> {
    const emissions: Emission[] = [];
    const entityRoomOf = (groupKey: string) => rooms.entityOfGroup(groupKey, type.uid, entityKey(type, documentId));
    const readOne = type.kind === 'singleType' ? 'find' : 'findOne';
    for (const groupKey of access.groupKeys()) {
      const targets: string[] = [];
      const mayFind = await access.canRead(groupKey, type.uid, 'find');
      if (mayFind) targets.push(rooms.broadcast(groupKey));
      if (readOne === 'find' ? mayFind : await access.canRead(groupKey, type.uid, readOne)) targets.push(entityRoomOf(groupKey));
      if (targets.some((room) => audience.has(room))) emissions.push({ groupKey, targets, action });
    }
    return emissions;
  }

  function emit(type: WatchedType, payload: StrapiDocument | DeletedDocument, emission: Emission, meta: EventMeta): void {
    // A later part of an emission sent in parts (query-emissions.ts EARLY_ROOMS) is the same event.
    if (!emission.continued) {
      stats.emitted += 1;
      metricsOf(strapi)?.emitted(type.uid, emission.action, meta.ts);
    }
    const full: EventMeta = { ...meta, action: emission.action, ...(emission.subscription ? { subscription: emission.subscription } : {}) };
    // Local: every node delivers to its own sockets, with its own view of their groups.
    io.local.to(emission.targets).emit(`${type.singularName}:${emission.action}`, payload, full);
    observer?.emitted(type.uid, emission.action, meta, emission.targets);
  }

  /**
   * What sends one change's emissions (in one go, or in parts): each group's payload read and
   * sanitized once for all of them, before the emits of a send, which then run in one go.
   */
  function senderOf(type: WatchedType, documentId: string, locale: string | null, status: DocumentStatus, meta: EventMeta): (emissions: Emission[]) => Promise<void> {
    const reader = createViewReader({ strapi, access, type, documentId, locale, status, stats });
    const payloads = new Map<string, StrapiDocument | undefined>();
    const deleted: DeletedDocument = { documentId, locale };
    return async (emissions) => {
      // `actions` trims the seed-style broadcast; a subscription needs every enter and leave to stay right.
      const sent = emissions.filter((emission) => emission.subscription || type.actions.has(emission.action));
      for (const { groupKey, action } of sent) {
        if (action !== 'delete' && !payloads.has(groupKey)) payloads.set(groupKey, await reader.forGroup(groupKey));
      }
      for (const emission of sent) {
        const payload = emission.action === 'delete' ? deleted : payloads.get(emission.groupKey);
        if (payload) emit(type, payload, emission, meta);
      }
    };
  }

  /**
   * A related document changed (a category renamed): the documents of other types whose live
   * queries filter through it were read before and after the write; each one that enters or leaves
   * a query is sent to that query's subscribers.
   */
  async function deliverDependents(change: DocumentChange): Promise<void> {
    for (const dependent of change.dependents ?? []) {
      const type = watched.get(dependent.uid);
      if (!type) continue;
      const states = [dependent.before, dependent.after].filter((state) => state !== null);
      const candidates = queries.forStates(dependent.uid, dependent.status, dependent.locale, states);
      // Its own fields did not change: only entering and leaving mean something here.
      const moved = await queryEmissions.fromStates(dependent.uid, candidates, dependent.before, dependent.after, dependent, true);
      if (moved.length === 0) continue;
      const meta: EventMeta = {
        uid: dependent.uid,
        action: 'update', // each emission says its own
        cause: change.cause,
        documentId: dependent.documentId,
        locale: dependent.locale,
        status: dependent.status,
        eventId: dependent.eventId ?? nextEventId(),
        ts: change.ts,
      };
      await senderOf(type, dependent.documentId, dependent.locale, dependent.status, meta)(moved);
    }
  }

  const queryEmissions = createQueryEmissions({ access, queries });
  const related = createRelatedNotifier({ strapi, io, audience, access, watched, draftsReadable });

  async function deliverNow(change: DocumentChange & { eventIds: Record<DocumentStatus, string> }): Promise<void> {
    await deliverOwn(change);
    // After the change's own events, and off the document's chain: its next change must not wait
    // for these reads (each change reads its document as it is when delivered, and a document
    // deleted meanwhile sends no payload).
    const told = related.tell(change).catch((error: Error) => {
      strapi.log.error(`[io] io:related for ${change.uid} ${change.documentId} failed: ${error.message}`);
    });
    telling.add(told);
    void told.finally(() => telling.delete(told));
  }

  async function deliverOwn(change: DocumentChange & { eventIds: Record<DocumentStatus, string> }): Promise<void> {
    const { eventIds } = change;
    await deliverDependents(change);
    const type = watched.get(change.uid);
    if (!type) return;
    for (const status of ['published', 'draft'] as const) {
      const viewAction = change[status];
      if (!viewAction) continue;
      const emissions = status === 'published' ? await roomTargets(type, change.documentId, viewAction) : [];
      const key = { documentId: change.documentId, locale: change.locale, status };
      const meta: EventMeta = {
        uid: change.uid,
        action: viewAction,
        cause: change.cause,
        documentId: change.documentId,
        locale: change.locale,
        status,
        eventId: eventIds[status],
        ts: change.ts,
      };
      const send = senderOf(type, change.documentId, change.locale, status, meta);
      let reached: Emission[];
      if (change.states) {
        const before = change.states.before[status] ?? null;
        const after = viewAction === 'delete' ? null : (change.states.after[status] ?? null);
        const states = [before, after].filter((state) => state !== null);
        const candidates = queries.forStates(type.uid, status, change.locale, states);
        reached = await queryEmissions.fromStates(type.uid, candidates, before, after, key, false, (part) => send([part]));
      } else {
        // Written on a node that knew of no live query on the type (this node's first ones were
        // announced after the write began): nothing to match, so the database says where the
        // document is now for each query of its scope. Rare, and only in that window.
        reached = await queryEmissions.fromDatabase(type.uid, queries.inScope(type.uid, status, change.locale), key);
      }
      for (const emission of reached) emissions.push(emission);
      if (emissions.length > 0) await send(emissions);
    }
  }

  type Stamped = DocumentChange & { eventIds: Record<DocumentStatus, string> };

  /**
   * Gives changes this node committed their event ids, in commit order: the ids every node then
   * sends for them.
   */
  function stamp(changes: readonly DocumentChange[]): Stamped[] {
    return changes.map((change) => ({
      ...change,
      eventIds: { published: nextEventId(), draft: nextEventId() },
      ...(change.dependents ? { dependents: change.dependents.map((dependent) => ({ ...dependent, eventId: nextEventId() })) } : {}),
    }));
  }

  return {
    stats,

    stamp,

    /** The watched types changed (the settings page turned one on or off): `io:related` follows. */
    typesChanged(): void {
      related.typesChanged();
    },

    /** Queues committed changes (stamped here, or by the node that committed them). */
    deliver(changes: readonly DocumentChange[]): void {
      for (const unstamped of changes) {
        const change = unstamped.eventIds ? (unstamped as Stamped) : stamp([unstamped])[0]!;
        const key = `${change.uid}\u0000${change.documentId}\u0000${change.locale ?? ''}`;
        const run = (chains.get(key) ?? Promise.resolve())
          .then(() => deliverNow(change))
          .catch((error: Error) => {
            strapi.log.error(`[io] delivering ${change.uid} ${change.documentId} failed: ${error.stack ?? error.message}`);
          });
        chains.set(key, run);
        void run.then(() => {
          if (chains.get(key) === run) chains.delete(key);
        });
      }
    },

    /**
     * Resolves once every change queued so far has been delivered; changes queued later are not
     * waited for (a socket handed to another node is cut off at this point).
     */
    async barrier(): Promise<void> {
      await Promise.all([...chains.values()]);
    },

    /** Resolves when every queued change has been delivered (used by destroy and tests). */
    async idle(): Promise<void> {
      while (chains.size > 0 || telling.size > 0) await Promise.all([...chains.values(), ...telling]);
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
