import type { ContentAction, DocumentStatus } from '@strapi-live/client/protocol';
import type { AccessControl } from '../auth/access-control';
import type { DocumentState } from '../live-queries/matcher';
import { roomsOf } from '../subscriptions/live-query-registry';
import type { LiveQuery } from '../subscriptions/live-query-registry';
import type { CollectionSubscriptions } from '../subscriptions/collection-subscriptions';

/**
 * One emit: rooms of a group that see `action`, for the subscriptions held under one id, or for no
 * subscription (broadcast and entity rooms).
 */
export interface Emission {
  groupKey: string;
  targets: string[];
  action: ContentAction;
  subscription?: string;
  /** An earlier part of it was sent already ({@link EARLY_ROOMS}): this part is not another event. */
  continued?: boolean;
}

/**
 * An emission is sent as soon as it has this many rooms, while the rest of the candidates are
 * still being matched: when a write reaches 10,000 distinct queries, the first sockets hear of it
 * after 1,000 have been matched rather than after all of them (each part is one packet, encoded
 * once; a socket is in one part only).
 */
export const EARLY_ROOMS = 1_000;

/** Sends a part of an emission at once; the caller's emit for the change. */
export type SendEarly = (part: Emission) => Promise<void>;

/** The document a change is about, in one view: what the database is asked when the states cannot say. */
export interface ChangeKey {
  documentId: string;
  locale: string | null;
  status: DocumentStatus;
}

/** Group → action → subscription id → emission: no key built per room. */
type Grouped = Map<string, Map<ContentAction, Map<string, Emission>> | null>;

/** One change's filing: its emissions by group, action and subscription id; `full`, those to send early (null: none is). */
interface Pass {
  grouped: Grouped;
  emissions: Emission[];
  full: Emission[] | null;
}

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
  /**
   * Whether `grouped` knows each group of `list`, learning what the access control already knows
   * (a group's right read before and not invalidated since) without waiting.
   */
  function knowsGroups({ grouped }: Pass, uid: string, list: readonly { groupKey: string }[]): boolean {
    for (let i = 0; i < list.length; i++) {
      const { groupKey } = list[i]!;
      if (grouped.has(groupKey)) continue;
      const right = access.knownRight(groupKey, uid, 'find');
      if (right === undefined) return false;
      grouped.set(groupKey, right ? new Map() : null);
    }
    return true;
  }

  /** Files `query`'s rooms under `action`; false when a room's group's right must be asked first (then filed again). */
  function file(pass: Pass, uid: string, query: LiveQuery, action: ContentAction): boolean {
    const list = roomsOf(query);
    if (!knowsGroups(pass, uid, list)) return false;
    const { grouped, emissions, full } = pass;
    for (let i = 0; i < list.length; i++) {
      const { groupKey, room, subscription } = list[i]!;
      const byAction = grouped.get(groupKey);
      if (!byAction) continue; // the group may not read the type
      let bySubscription = byAction.get(action);
      if (!bySubscription) byAction.set(action, (bySubscription = new Map()));
      const emission = bySubscription.get(subscription);
      if (emission) {
        if (emission.targets.push(room) === EARLY_ROOMS && full) full.push(emission);
      } else {
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
  async function settle(pass: Pass, uid: string, key: ChangeKey, late: LiveQuery[], unfiled: { query: LiveQuery; action: ContentAction }[]) {
    for (const query of late) {
      const now = await queries.matchesNow(query, key);
      if (now !== undefined) unfiled.push({ query, action: now ? 'create' : 'delete' });
    }
    for (const { query, action } of unfiled) {
      for (const { groupKey } of roomsOf(query)) if (!pass.grouped.has(groupKey)) await ask(pass.grouped, uid, groupKey);
      file(pass, uid, query, action);
    }
  }

  /** Sends the parts that are full, each emission then filling again from empty. */
  async function sendFull(full: Emission[], sendEarly: SendEarly): Promise<void> {
    for (const emission of full.splice(0)) {
      const part: Emission = { ...emission };
      emission.targets = [];
      emission.continued = true;
      await sendEarly(part);
    }
  }

  return {
    /**
     * The emissions for the candidates of a change of `uid` with these states. With `moves`, only
     * entering and leaving count (a related document changed: the document's own fields did not).
     * With `sendEarly`, an emission is handed to it each time it reaches {@link EARLY_ROOMS} rooms,
     * and what is returned is the rest.
     */
    async fromStates(
      uid: string,
      candidates: Iterable<LiveQuery>,
      before: DocumentState | null,
      after: DocumentState | null,
      key: ChangeKey,
      moves = false,
      sendEarly?: SendEarly,
    ): Promise<Emission[]> {
      // Each group's right is asked once per change, and only for the groups of queries reached: a
      // change that reaches none costs no await (changes of other documents are not held back).
      const pass: Pass = { grouped: new Map(), emissions: [], full: sendEarly ? [] : null };
      const late: LiveQuery[] = [];
      const unfiled: { query: LiveQuery; action: ContentAction }[] = [];
      const matchedBefore = queries.matcherOf(before);
      const matchedAfter = queries.matcherOf(after);
      // Matched as they were when the change was read: a query subscribed while a part is sent waits for the next change.
      const list = sendEarly ? [...candidates] : candidates;
      for (const query of list) {
        if (query.rooms.size === 0) continue;
        const was = matchedBefore(query);
        const is = matchedAfter(query);
        if (was === undefined || is === undefined) late.push(query);
        else if (was !== is || (was && !moves)) {
          const action: ContentAction = !was ? 'create' : !is ? 'delete' : 'update';
          if (!file(pass, uid, query, action)) unfiled.push({ query, action });
          else if (pass.full && pass.full.length > 0) await sendFull(pass.full, sendEarly!);
        }
      }
      if (late.length > 0 || unfiled.length > 0) await settle(pass, uid, key, late, unfiled);
      return pass.emissions.filter((emission) => emission.targets.length > 0);
    },

    /**
     * The emissions for queries whose states were not read (written on a node that knew of no live
     * query on the type): the database says where the document is now for each. Rare.
     */
    async fromDatabase(uid: string, candidates: Iterable<LiveQuery>, key: ChangeKey): Promise<Emission[]> {
      const pass: Pass = { grouped: new Map(), emissions: [], full: null };
      await settle(pass, uid, key, [...candidates], []);
      return pass.emissions;
    },
  };
}

export type QueryEmissions = ReturnType<typeof createQueryEmissions>;
