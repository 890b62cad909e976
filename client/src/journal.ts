/**
 * Versions of a mutable structure, so that it can be updated in place and still be persistent:
 * every write goes through a journal, which records what it overwrote; `commit` ends a version;
 * `checkout` brings back any earlier one, undoing the writes made since (rerooting: the version
 * left behind keeps the journal that leads back to it).
 *
 * Used in a line, as a live query does, each step costs its writes and nothing more, and a
 * version nobody refers to any more is garbage (versions point towards the current one, not back).
 * Going back to an old version costs the writes in between.
 */

/** One version of the structure: the current one, or the way to it from the next one. */
export interface Version {
  /** Null for the current version; else the writes that turn the next version into this one. */
  journal: Entry[] | null;
  next: Version | null;
}

type Cell = Map<unknown, unknown> | Set<unknown> | Record<string, unknown> | unknown[];
/** A cell and the value it held before a write: a Map's value (or ABSENT), a Set's membership, a field. */
type Entry = [cell: Cell, key: unknown, value: unknown];

const ABSENT = Symbol('absent');

function read(cell: Cell, key: unknown): unknown {
  if (cell instanceof Map) return cell.has(key) ? cell.get(key) : ABSENT;
  if (cell instanceof Set) return cell.has(key);
  return (cell as Record<string, unknown>)[key as string];
}

function restore(cell: Cell, key: unknown, value: unknown): void {
  if (cell instanceof Map) {
    if (value === ABSENT) cell.delete(key);
    else cell.set(key, value);
  } else if (cell instanceof Set) {
    if (value) cell.add(key);
    else cell.delete(key);
  } else {
    (cell as Record<string, unknown>)[key as string] = value;
  }
}

export class Journal {
  private current: Version = { journal: null, next: null };
  /** Writes since the current version was committed: what they overwrote, in order. */
  private pending: Entry[] = [];

  mapSet<K, V>(map: Map<K, V>, key: K, value: V): void {
    this.pending.push([map as Map<unknown, unknown>, key, read(map as Map<unknown, unknown>, key)]);
    map.set(key, value);
  }

  mapDelete<K, V>(map: Map<K, V>, key: K): void {
    if (!map.has(key)) return;
    this.pending.push([map as Map<unknown, unknown>, key, map.get(key)]);
    map.delete(key);
  }

  setAdd<K>(set: Set<K>, key: K): void {
    if (set.has(key)) return;
    this.pending.push([set as Set<unknown>, key, false]);
    set.add(key);
  }

  setDelete<K>(set: Set<K>, key: K): void {
    if (!set.has(key)) return;
    this.pending.push([set as Set<unknown>, key, true]);
    set.delete(key);
  }

  /** `target[key] = value`, for a field of an object or a slot of an array. */
  assign<O extends object, K extends keyof O>(target: O, key: K, value: O[K]): void {
    this.pending.push([target as unknown as Record<string, unknown>, key, target[key]]);
    target[key] = value;
  }

  /** Ends the current version; returns the new one (the same one if nothing was written). */
  commit(): Version {
    if (this.pending.length === 0) return this.current;
    const next: Version = { journal: null, next: null };
    this.current.journal = this.pending;
    this.current.next = next;
    this.current = next;
    this.pending = [];
    return next;
  }

  /** Makes `version` (one this journal committed) the current one again. */
  checkout(version: Version): void {
    if (version === this.current) return;
    if (this.pending.length > 0) throw new Error('Journal: writes not committed');
    const path: Version[] = [];
    for (let step: Version | null = version; step !== this.current; step = step.next) {
      if (!step) throw new Error('Journal: not a version of this structure');
      path.push(step);
    }
    // From the current version back to `version`, one step at a time, each undone step keeping
    // the writes that redo it.
    for (let i = path.length - 1; i >= 0; i--) {
      const back = path[i]!;
      const undo = back.journal!;
      const redo: Entry[] = [];
      for (let j = undo.length - 1; j >= 0; j--) {
        const [cell, key, value] = undo[j]!;
        redo.push([cell, key, read(cell, key)]);
        restore(cell, key, value);
      }
      const left = this.current;
      left.journal = redo;
      left.next = back;
      back.journal = null;
      back.next = null;
      this.current = back;
    }
  }
}
