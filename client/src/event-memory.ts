import { Journal } from './journal';
import type { Version } from './journal';

/**
 * What a live query remembers about the events it has seen, in bounded space: the ids of the
 * latest events (an event seen twice is applied once) and, per document, the `meta.ts` of the
 * last event of it (an older one is stale).
 *
 * A clock is kept as long as its document is in the list (the list bounds those), and while the
 * document is among the latest `absentClocks` departures from it (a delete, a push off a page, a
 * read without it, or an event of a document never in it): a lagging create or update of a
 * document that left longer ago than that is no longer recognized as stale. Event ids are kept
 * for the latest `eventIds` events. So what is held is the list's size plus a fixed window,
 * however many events arrive.
 *
 * Mutable, for speed (an event costs a few Map and Set operations), and still persistent: every
 * write goes through a {@link Journal}, `commit` returns the version it made, and `checkout`
 * brings back an earlier one (the reducer's states each hold theirs).
 */
export interface MemoryLimits {
  /** How many event ids are remembered (the duplicate window). */
  readonly eventIds: number;
  /** How many departures a document's clock is kept for once it is not in the list. */
  readonly absentClocks: number;
}

export const MEMORY_LIMITS: MemoryLimits = { eventIds: 2000, absentClocks: 2000 };

/** A ring of the latest `capacity` entries: `slots[cursor]` is the next to be overwritten. */
interface Ring {
  slots: (string | undefined)[];
  cursor: number;
}

interface AbsentClock {
  clock: number;
  /** Its place in the ring of departures: when that is overwritten, the clock goes. */
  slot: number;
}

export class EventMemory {
  private readonly limits: MemoryLimits;
  private readonly journal = new Journal();
  private readonly seenRing: Ring;
  private readonly seen = new Set<string>();
  /** Clocks of documents in the list. */
  private readonly heldClocks = new Map<string, number>();
  /** Clocks of documents not in it, each at its slot of the ring of departures. */
  private readonly absentClocks = new Map<string, AbsentClock>();
  private readonly departures: Ring;

  constructor(limits: MemoryLimits = MEMORY_LIMITS) {
    this.limits = limits;
    this.seenRing = { slots: new Array<string | undefined>(limits.eventIds).fill(undefined), cursor: 0 };
    this.departures = { slots: new Array<string | undefined>(limits.absentClocks).fill(undefined), cursor: 0 };
  }

  /** Ends the changes of one step; returns the version they made. */
  commit(): Version {
    return this.journal.commit();
  }

  /** Brings back what was remembered at `version`. */
  checkout(version: Version): void {
    this.journal.checkout(version);
  }

  hasSeen(eventId: string): boolean {
    return this.seen.has(eventId);
  }

  /** Remembers an event id (one not remembered already), forgetting the oldest past the window. */
  see(eventId: string): void {
    const evicted = this.advance(this.seenRing, eventId);
    if (evicted !== undefined) this.journal.setDelete(this.seen, evicted);
    this.journal.setAdd(this.seen, eventId);
  }

  /** The `meta.ts` of the last event of this document, if it is remembered. */
  clock(documentId: string): number | undefined {
    return this.heldClocks.get(documentId) ?? this.absentClocks.get(documentId)?.clock;
  }

  /**
   * Records an event of a document at `ts` (a clock never goes back), and whether the document is
   * in the list after it.
   */
  record(documentId: string, ts: number, inList: boolean): void {
    const known = this.clock(documentId);
    const clock = known !== undefined && known >= ts ? known : ts;
    if (inList) {
      this.journal.mapDelete(this.absentClocks, documentId);
      if (this.heldClocks.get(documentId) !== clock) this.journal.mapSet(this.heldClocks, documentId, clock);
    } else {
      this.journal.mapDelete(this.heldClocks, documentId);
      this.depart(documentId, clock);
    }
  }

  /** The document left the list without an event of its own (pushed off a page). */
  left(documentId: string): void {
    const clock = this.heldClocks.get(documentId);
    if (clock === undefined) return;
    this.journal.mapDelete(this.heldClocks, documentId);
    this.depart(documentId, clock);
  }

  /** The list was replaced (a REST read): sorts the clocks again by whether their document is in it. */
  reconcile(inList: (documentId: string) => boolean): void {
    const leaving: [string, number][] = [];
    for (const [documentId, clock] of this.heldClocks) if (!inList(documentId)) leaving.push([documentId, clock]);
    const entering: [string, number][] = [];
    for (const [documentId, { clock }] of this.absentClocks) if (inList(documentId)) entering.push([documentId, clock]);
    for (const [documentId, clock] of entering) {
      this.journal.mapDelete(this.absentClocks, documentId);
      this.journal.mapSet(this.heldClocks, documentId, clock);
    }
    for (const [documentId, clock] of leaving) {
      this.journal.mapDelete(this.heldClocks, documentId);
      this.depart(documentId, clock);
    }
  }

  /** How much is held: clocks and event ids. */
  get size(): { clocks: number; eventIds: number } {
    return { clocks: this.heldClocks.size + this.absentClocks.size, eventIds: this.seen.size };
  }

  /** Keeps the clock of a document not in the list, as the latest departure; the oldest one goes. */
  private depart(documentId: string, clock: number): void {
    const { cursor } = this.departures;
    const evicted = this.advance(this.departures, documentId);
    // The slot's document left again since, or came back: its clock is not this slot's to drop.
    if (evicted !== undefined && this.absentClocks.get(evicted)?.slot === cursor) this.journal.mapDelete(this.absentClocks, evicted);
    this.journal.mapSet(this.absentClocks, documentId, { clock, slot: cursor });
  }

  /** Writes `entry` at the ring's cursor and moves it on; returns what was there. */
  private advance(ring: Ring, entry: string): string | undefined {
    const { slots, cursor } = ring;
    const evicted = slots[cursor];
    this.journal.assign(slots, cursor, entry);
    this.journal.assign(ring, 'cursor', (cursor + 1) % slots.length);
    return evicted;
  }
}
