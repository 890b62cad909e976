import type { Core } from '@strapi/strapi';
import type { IoServer } from '../socket/create-server';
import type { DeletedDocument, EventMeta, StrapiDocument } from '@strapi-live/client/protocol';
import type { AccessControl } from '../auth/access-control';
import type { DocumentChange } from '../capture/document-change';
import { rooms } from '../subscriptions/rooms';
import type { WatchedType } from './content-types';
import { createEventIds } from './event-ids';

export interface DeliveryStats {
  /** Content events handed to Socket.IO (one per group and change). */
  emitted: number;
  /** Calls to Strapi's output sanitizer. */
  sanitized: number;
}

/**
 * Turns committed changes into events for the sockets of this node. Per change: read the document
 * once as REST would (configured populate, published view), then for each principal group that
 * may read it and has a socket that wants it, sanitize once and emit once to that group's rooms.
 * Changes of one document are delivered in commit order, so no reader sees an older state last.
 */
export function createDelivery({
  strapi,
  io,
  access,
  watched,
}: {
  strapi: Core.Strapi;
  io: IoServer;
  access: AccessControl;
  watched: Map<string, WatchedType>;
}) {
  const nextEventId = createEventIds();
  const chains = new Map<string, Promise<void>>();
  const stats: DeliveryStats = { emitted: 0, sanitized: 0 };

  async function readPublished(type: WatchedType, change: DocumentChange): Promise<StrapiDocument | null> {
    return (await strapi.documents(type.uid as never).findOne({
      documentId: change.documentId,
      ...(change.locale ? { locale: change.locale } : {}),
      ...(type.draftAndPublish ? { status: 'published' } : {}),
      ...(type.populate !== undefined ? { populate: type.populate } : {}),
    } as never)) as StrapiDocument | null;
  }

  async function deliverNow(change: DocumentChange, meta: EventMeta): Promise<void> {
    const type = watched.get(change.uid);
    if (!type || !type.actions.has(meta.action)) return;
    const local = io.of('/').adapter.rooms;
    const document: StrapiDocument | DeletedDocument | null =
      meta.action === 'delete' ? { documentId: change.documentId, locale: change.locale } : await readPublished(type, change);
    // Gone again before we could read it: the change that removed it sends its own event.
    if (!document) return;
    const event = `${type.singularName}:${meta.action}`;
    for (const groupKey of access.groupKeys()) {
      const targets: string[] = [];
      if (await access.canRead(groupKey, type.uid, 'find')) targets.push(rooms.broadcast(groupKey));
      if (await access.canRead(groupKey, type.uid, 'findOne')) targets.push(rooms.entityOfGroup(groupKey, type.uid, change.documentId));
      if (!targets.some((room) => local.has(room))) continue;
      let payload = document;
      if (meta.action !== 'delete') {
        stats.sanitized += 1;
        const sanitized = await access.sanitize(groupKey, type.uid, document);
        if (!sanitized) continue;
        payload = sanitized;
      }
      stats.emitted += 1;
      // Local: every node delivers to its own sockets, with its own view of their groups.
      io.local.to(targets).emit(event, payload, meta);
    }
  }

  return {
    stats,

    /** Queues committed changes; ids are taken now, in commit order. */
    deliver(changes: DocumentChange[]): void {
      for (const change of changes) {
        if (!change.published) continue;
        const meta: EventMeta = {
          uid: change.uid,
          action: change.published,
          cause: change.cause,
          documentId: change.documentId,
          locale: change.locale,
          status: 'published',
          eventId: nextEventId(),
          ts: change.ts,
        };
        const key = `${change.uid}\u0000${change.documentId}\u0000${change.locale ?? ''}`;
        const run = (chains.get(key) ?? Promise.resolve())
          .then(() => deliverNow(change, meta))
          .catch((error: Error) => {
            strapi.log.error(`[io] delivering ${meta.uid} ${meta.documentId} failed: ${error.message}`);
          });
        chains.set(key, run);
        void run.then(() => {
          if (chains.get(key) === run) chains.delete(key);
        });
      }
    },

    /** Resolves when every queued change has been delivered (used by destroy and tests). */
    async idle(): Promise<void> {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
