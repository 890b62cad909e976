import type { StrapiDocument } from './protocol';
import { isInOrder, searchIndexOf } from './sorted-list';
import type { Compare } from './sorted-list';

/**
 * Finds the documents of one list fast: which one a documentId is (a Map), and where it is (by
 * bisection, while the list is known to be in the comparator's order; else by a scan). Describes
 * one list at a time, the latest of a reducer's states: the reducer reports each change it makes
 * ({@link ListIndex.changed}), and a list it did not make (a REST read) is indexed anew.
 */
export class ListIndex<T extends StrapiDocument> {
  private list: readonly T[] = [];
  private readonly byId = new Map<string, T>();
  /** The comparator the list was last checked against, and whether it is in that order. */
  private checked: { compare: Compare; ordered: boolean } | undefined;

  /** Whether the index describes `items` (else {@link rebuild} it). */
  describes(items: readonly T[]): boolean {
    return items === this.list;
  }

  /** Indexes a list it knows nothing about. */
  rebuild(items: readonly T[]): void {
    this.list = items;
    this.byId.clear();
    // The first of a documentId, as a scan would find it (a list from REST holds each once).
    for (const item of items) if (!this.byId.has(item.documentId)) this.byId.set(item.documentId, item);
    this.checked = undefined;
  }

  /**
   * Takes `items` as the same documents in the same places, as other objects (the cache's
   * structurally shared copies): their order is what it was. False when they are not.
   */
  adopt(items: readonly T[]): boolean {
    const { list } = this;
    if (items.length !== list.length) return false;
    for (let i = 0; i < items.length; i++) if (items[i]!.documentId !== list[i]!.documentId) return false;
    for (let i = 0; i < items.length; i++) if (items[i] !== list[i]) this.byId.set(items[i]!.documentId, items[i]!);
    this.list = items;
    return true;
  }

  /**
   * The list is now `items`: `removed` left it and `added` came in. Each was placed by `compare`
   * (by bisection, or a scan that finds the same place), so a list in that order stays in it.
   */
  changed(items: readonly T[], removed: readonly T[], added: readonly T[], compare: Compare): void {
    this.list = items;
    for (const item of removed) if (this.byId.get(item.documentId) === item) this.byId.delete(item.documentId);
    for (const item of added) this.byId.set(item.documentId, item);
    if (this.checked && this.checked.compare !== compare) this.checked = undefined;
  }

  get(documentId: string): T | undefined {
    return this.byId.get(documentId);
  }

  has(documentId: string): boolean {
    return this.byId.has(documentId);
  }

  /**
   * Whether the list is in `compare`'s order, each comparison decided: then places can be found by
   * bisection. Checked once per list from a read (one pass), then kept by the changes.
   */
  ordered(compare: Compare): boolean {
    if (this.checked?.compare !== compare) this.checked = { compare, ordered: isInOrder(this.list, compare) };
    return this.checked.ordered;
  }

  /** Where `item` (a document of the list) is. */
  indexOf(item: T, compare: Compare | undefined): number {
    if (compare && this.ordered(compare)) {
      const index = searchIndexOf(this.list, item, compare);
      if (index !== -1) return index;
    }
    return this.list.indexOf(item);
  }
}
