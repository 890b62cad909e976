import type { ContentAction, DocumentStatus } from '@strapi-live/client/protocol';
import type { AccessControl } from '../auth/access-control';
import type { DocumentState } from '../live-queries/matcher';
import { roomsOf } from '../subscriptions/collection-subscriptions';
import type { CollectionSubscriptions, LiveQuery } from '../subscriptions/collection-subscriptions';

/**
 * One emit: rooms of a group that see `action`, for the subscriptions held under one id, or for no
 * subscription (broadcast and entity rooms).
 */
export interface Emission {
  groupKey: string;
  targets: string[];
  action: ContentAction;
  subscription?: string;
}

/** The document a change is about, in one view: what the database is asked when the states cannot say. */
export interface ChangeKey {
  documentId: string;
  locale: string | null;
  status: DocumentStatus;
}

/** Group → action → subscription id → emission: no key built per room. */
type Grouped = Map<string, Map<ContentAction, Map<string, Emission>> | null>;

/**
 * The emissions a change's states call for among live queries: what the change is to each
 * candidate (enter: `create`, change within: `update`, leave: `delete`, decided by matching the
 * state before and after the write) and, for those it reaches, one emission per group allowed to
 * read the type, action and subscription id, to every room of that kind (so 10,000 sockets on
 * 10,000 queries, each held as "1", get one packet).
 *
 * One synchronous pass over the candidates, building the emissions as it goes: a write may reach
 * tens of thousands of queries, and every packet waits for this, so no promise, list or record per
 * query. A query subscribed while the write was in flight may read what the states lack: the
 * database then says where the document is now, and it enters or leaves accordingly (an SDK takes
 * a `create` of what it holds as an update, a `delete` of what it lacks as nothing).
 */
export function createQueryEmissions({ access, queries }: { access: AccessControl; queries: Pick<CollectionSubscriptions, 'matcherOf' | 'matchesNow'> }) {
  /** Files `query`'s rooms under `action`; false when a room's group is not known yet (asked, then filed again). */
  function file(grouped: Grouped, emissions: Emission[], query: LiveQuery, action: ContentAction): boolean {
    const list = roomsOf(query);
    for (let i = 0; i < list.length; i++) if (!grouped.has(list[i]!.groupKey)) return false;
    for (let i = 0; i < list.length; i++) {
      const { groupKey, room, subscription } = list[i]!;
      const byAction = grouped.get(groupKey);
      if (!byAction) continue; // the group may not read the type
      let bySubscription = byAction.get(action);
      if (!bySubscription) byAction.set(action, (bySubscription = new Map()));
      const emission = bySubscription.get(subscription);
      if (emission) emission.targets.push(room);
      else {
        const created: Emission = { groupKey, targets: [room], action, subscription };
        bySubscription.set(subscription, created);
        emissions.push(created);
      }
    }
    return true;
  }

  async function ask(grouped: Grouped, uid: string, groupKey: string): Promise<void> {
    grouped.set(groupKey, (await access.canRead(groupKey, uid, 'find')) ? new Map() : null);
  }

  /** Files what waited for the database or for a group's right. */
  async function settle(grouped: Grouped, emissions: Emission[], uid: string, key: ChangeKey, late: LiveQuery[], unfiled: { query: LiveQuery; action: ContentAction }[]) {
    for (const query of late) {
      const now = await queries.matchesNow(query, key);
      if (now !== undefined) unfiled.push({ query, action: now ? 'create' : 'delete' });
    }
    for (const { query, action } of unfiled) {
      for (const { groupKey } of roomsOf(query)) if (!grouped.has(groupKey)) await ask(grouped, uid, groupKey);
      file(grouped, emissions, query, action);
    }
  }

  return {
    /**
     * The emissions for the candidates of a change of `uid` with these states. With `moves`, only
     * entering and leaving count (a related document changed: the document's own fields did not).
     */
    async fromStates(uid: string, candidates: Iterable<LiveQuery>, before: DocumentState | null, after: DocumentState | null, key: ChangeKey, moves = false): Promise<Emission[]> {
      // Each group's right is asked once per change, and only for the groups of queries reached: a
      // change that reaches none costs no await (changes of other documents are not held back).
      const grouped: Grouped = new Map();
      const emissions: Emission[] = [];
      const late: LiveQuery[] = [];
      const unfiled: { query: LiveQuery; action: ContentAction }[] = [];
      const matchedBefore = queries.matcherOf(before);
      const matchedAfter = queries.matcherOf(after);
      for (const query of candidates) {
        if (query.rooms.size === 0) continue;
        const was = matchedBefore(query);
        const is = matchedAfter(query);
        if (was === undefined || is === undefined) late.push(query);
        else if (was !== is || (was && !moves)) {
          const action: ContentAction = !was ? 'create' : !is ? 'delete' : 'update';
          if (!file(grouped, emissions, query, action)) unfiled.push({ query, action });
        }
      }
      if (late.length > 0 || unfiled.length > 0) await settle(grouped, emissions, uid, key, late, unfiled);
      return emissions;
    },

    /**
     * The emissions for queries whose states were not read (written on a node that knew of no live
     * query on the type): the database says where the document is now for each. Rare.
     */
    async fromDatabase(uid: string, candidates: Iterable<LiveQuery>, key: ChangeKey): Promise<Emission[]> {
      const grouped: Grouped = new Map();
      const emissions: Emission[] = [];
      await settle(grouped, emissions, uid, key, [...candidates], []);
      return emissions;
    },
  };
}

export type QueryEmissions = ReturnType<typeof createQueryEmissions>;
