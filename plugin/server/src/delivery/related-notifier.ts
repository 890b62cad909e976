import type { Core } from '@strapi/strapi';
import type { RelatedInfo } from '@strapi-live/client/protocol';
import type { AccessControl } from '../auth/access-control';
import type { DocumentChange } from '../capture/document-change';
import type { Audience } from '../socket/audience';
import type { IoServer } from '../socket/create-server';
import { rooms } from '../subscriptions/rooms';
import type { WatchedType } from './content-types';
import { relatedTypes } from './related-types';
import type { RelationLink } from './related-types';

/** Past this many documents pointing at a changed one, `io:related` goes without the list. */
const MAX_RELATED_PARENTS = 1000;

/**
 * `io:related`: tells the subscriptions that show a document populated inside others that it
 * changed, with the documents that point at it now (see {@link RelatedInfo}). Delivery calls `tell`
 * after a change's own events, off the document's chain.
 */
export function createRelatedNotifier({
  strapi,
  io,
  audience,
  access,
  watched,
  draftsReadable,
}: {
  strapi: Core.Strapi;
  io: IoServer;
  audience: Audience;
  access: AccessControl;
  watched: Map<string, WatchedType>;
  /** Whether every reader of a type may read its drafts (`security.draftView: 'rest'`). */
  draftsReadable: boolean;
}) {
  /** Watched types with a relation to each type: their readers may show it populated (see `typesChanged`). */
  const linkTypes = () => relatedTypes(watched.keys(), (uid) => (strapi.getModel(uid as never) as { attributes?: Record<string, { type?: string; target?: string; private?: boolean }> } | undefined)?.attributes);
  let linksTo = linkTypes();

  /**
   * The documents of each relating type that point at this one now (any locale; those with a
   * published version, and all of them): one read per relation, and none past
   * {@link MAX_RELATED_PARENTS} (then clients read again every query that populates anything,
   * which is what they would do without the list).
   */
  async function parentsOf(links: RelationLink[], documentId: string): Promise<{ published: Record<string, string[]>; all: Record<string, string[]> } | undefined> {
    const published: Record<string, Set<string>> = {};
    const all: Record<string, Set<string>> = {};
    for (const { parent, attribute } of links) {
      const draftAndPublish = watched.get(parent)?.draftAndPublish === true;
      const rows = (await strapi.db.query(parent as never).findMany({
        select: draftAndPublish ? ['documentId', 'publishedAt'] : ['documentId'],
        where: { [attribute]: { documentId } },
        limit: MAX_RELATED_PARENTS * 2,
      })) as { documentId: string; publishedAt?: string | Date | null }[];
      for (const row of rows) {
        (all[parent] ??= new Set()).add(row.documentId);
        if (!draftAndPublish || row.publishedAt) (published[parent] ??= new Set()).add(row.documentId);
      }
      if (rows.length >= MAX_RELATED_PARENTS * 2 || (all[parent]?.size ?? 0) > MAX_RELATED_PARENTS) return undefined;
    }
    const lists = (sets: Record<string, Set<string>>) => Object.fromEntries(Object.entries(sets).map(([uid, ids]) => [uid, [...ids]]));
    return { published: lists(published), all: lists(all) };
  }

  /**
   * A document others show populated changed (a category renamed, an author unpublished or
   * published again): the sockets of each group that may read it and hold a collection
   * subscription whose reads populate its type (`populates`, see subscriptions/populated-types.ts)
   * are told once, with no content, and with the documents that point at it now, so that clients
   * read again the queries that show it inside theirs, or that hold one of those documents (an
   * author published again appears in articles that showed none: nothing there names it). Nobody
   * else: a write whose type no subscription populates costs no packet and no read here.
   */
  async function tellRelated(change: DocumentChange): Promise<void> {
    const links = linksTo.get(change.uid) ?? [];
    const told: { room: string; parentUids: string[] }[] = [];
    for (const groupKey of access.groupKeys()) {
      const room = rooms.relatedOfGroup(groupKey, change.uid);
      if (!audience.has(room)) continue;
      if (!(await access.canRead(groupKey, change.uid, 'findOne')) && !(await access.canRead(groupKey, change.uid, 'find'))) continue;
      const parentUids: string[] = [];
      for (const { parent } of links) {
        if (parentUids.includes(parent)) continue;
        if ((await access.canRead(groupKey, parent, 'find')) || (await access.canRead(groupKey, parent, 'findOne'))) parentUids.push(parent);
      }
      told.push({ room, parentUids });
    }
    if (told.length === 0) return;
    // Creates too: a category created with `articles` set changes those articles' category.
    const parents = await parentsOf(links, change.documentId);
    // Never the documentId of a draft to whom drafts are not served.
    const visible = parents && (draftsReadable ? parents.all : parents.published);
    for (const { room, parentUids } of told) {
      const info: RelatedInfo = { uid: change.uid, documentId: change.documentId, locale: change.locale };
      // Only the types this group may read: which documents relate to what is theirs to know.
      if (visible) info.parents = Object.fromEntries(parentUids.map((uid) => [uid, visible[uid] ?? []]));
      io.local.to(room).emit('io:related', info);
    }
  }

  return {
    tell: tellRelated,
    /** The watched types changed (the settings page turned one on or off). */
    typesChanged(): void {
      linksTo = linkTypes();
    },
  };
}
