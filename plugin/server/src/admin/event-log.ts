import type { ContentAction, EventMeta } from '@strapi-live/client/protocol';
import type { DeliveryObserver } from '../delivery/deliver-changes';
import type { IoServer } from '../socket/create-server';
import type { MonitoredEvent, MonitoringStats } from './contract';

const RECENT = 100;
/** Events per second is the mean over this many seconds, the current one included. */
const WINDOW_SECONDS = 5;
/** Pushed to admins at most this many per second; the others are counted, and listed in `recentEvents`. */
const MAX_PUSHED_PER_SECOND = 100;

/**
 * The monitoring page's event log for this node: the last 100 content events (type, action,
 * documentId, locale, how many sockets received it; never a payload), totals per type and
 * action, and events per second. It is delivery's observer (`emitted`, called after each emit).
 *
 * One content event is one change of one view sent to its readers: delivery emits it once per
 * principal group and subscription, all in one synchronous loop with the same `meta` object, so
 * those emits are summed into one entry. Recipients are counted from the sizes of the target rooms
 * in this node's adapter (a map lookup per target room, nothing per socket): a socket is in at most
 * one of an emit's rooms (a socket in a broadcast room holds no subscription, and a socket holds a
 * subscription id once), so the sum is exact.
 */
export function createEventLog(io: IoServer) {
  const recent: MonitoredEvent[] = [];
  let next = 0;
  const totals = new Map<string, Record<ContentAction, number>>();
  const seconds = new Array<number>(WINDOW_SECONDS + 1).fill(-1);
  const counts = new Array<number>(WINDOW_SECONDS + 1).fill(0);
  let pushedSecond = -1;
  let pushedCount = 0;

  let lastMeta: EventMeta | undefined;
  let ofLastMeta: Partial<Record<ContentAction, MonitoredEvent>> = {};

  const listeners = new Set<(event: MonitoredEvent) => void>();
  let pending: MonitoredEvent[] = [];
  let flushing = false;

  function count(now: number): void {
    const second = Math.floor(now / 1000);
    const slot = second % seconds.length;
    if (seconds[slot] !== second) {
      seconds[slot] = second;
      counts[slot] = 0;
    }
    counts[slot]! += 1;
  }

  /** Pushed after the emitting loop is over, so each entry has all its recipients. */
  function flush(): void {
    flushing = false;
    const batch = pending;
    pending = [];
    for (const event of batch) for (const listener of listeners) listener(event);
  }

  const observer: DeliveryObserver = {
    emitted(uid, action, meta, targets) {
      const rooms = io.sockets.adapter.rooms; // the main namespace's, on this node
      let recipients = 0;
      for (let i = 0; i < targets.length; i++) recipients += rooms.get(targets[i]!)?.size ?? 0;
      if (meta !== lastMeta) {
        lastMeta = meta;
        ofLastMeta = {};
      }
      const same = ofLastMeta[action];
      if (same) {
        same.recipients += recipients;
        return;
      }
      const event: MonitoredEvent = { uid, action, documentId: meta.documentId, locale: meta.locale, recipients, ts: meta.ts };
      ofLastMeta[action] = event;
      recent[next] = event;
      next = (next + 1) % RECENT;
      let byAction = totals.get(uid);
      if (!byAction) totals.set(uid, (byAction = { create: 0, update: 0, delete: 0 }));
      byAction[action] += 1;
      const now = Date.now();
      count(now);
      if (listeners.size === 0) return;
      const second = Math.floor(now / 1000);
      if (second !== pushedSecond) {
        pushedSecond = second;
        pushedCount = 0;
      }
      if (++pushedCount > MAX_PUSHED_PER_SECOND) return;
      pending.push(event);
      if (!flushing) {
        flushing = true;
        setImmediate(flush);
      }
    },
  };

  return {
    observer,

    /** Events per second over the last few seconds. */
    eventsPerSecond(now = Date.now()): number {
      const second = Math.floor(now / 1000);
      let sum = 0;
      for (let i = 0; i < seconds.length; i++) if (seconds[i]! > second - WINDOW_SECONDS && seconds[i]! <= second) sum += counts[i]!;
      return Math.round((sum / WINDOW_SECONDS) * 100) / 100;
    },

    totals(): MonitoringStats['totals'] {
      return Object.fromEntries([...totals].map(([uid, byAction]) => [uid, { ...byAction }]));
    },

    /** Newest first. */
    recent(): MonitoredEvent[] {
      const ordered = [...recent.slice(next), ...recent.slice(0, next)];
      return ordered.reverse().map((event) => ({ ...event }));
    },

    /** Calls `listener` with each new event (batched per tick, at most 100 a second); returns the unsubscribe. */
    subscribe(listener: (event: MonitoredEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type EventLog = ReturnType<typeof createEventLog>;
