import { describe, expect, it } from 'vitest';
import { isInOrder, scanInsertionIndex, searchIndexOf, searchInsertionIndex, viewWithout, withInserted, withMoved, withRemoved, withReplaced } from '../sorted-list';

const compare = (a: unknown, b: unknown) => (a as number) - (b as number);

describe('sorted-list: places', () => {
  it('finds by bisection the place a scan finds, with or without a position left out', () => {
    const list = [1, 3, 3, 5, 8, 13];
    for (const value of [0, 1, 2, 3, 4, 8, 20]) {
      for (const skip of [-1, 0, 2, 5]) {
        const view = viewWithout(list, skip);
        expect(searchInsertionIndex(view, value, compare)).toBe(scanInsertionIndex(view, value, compare));
      }
    }
  });

  it('says undefined where a comparison is undecided, and finds an item among its equals', () => {
    const undecided = () => undefined;
    expect(scanInsertionIndex(viewWithout([1, 2], -1), 3, undecided)).toBeUndefined();
    expect(searchInsertionIndex(viewWithout([1, 2], -1), 3, undecided)).toBeUndefined();
    const a = { v: 1 };
    const b = { v: 1 };
    const byV = (x: unknown, y: unknown) => (x as { v: number }).v - (y as { v: number }).v;
    expect(searchIndexOf([{ v: 0 }, a, b, { v: 2 }], b, byV)).toBe(2);
    expect(searchIndexOf([a], { v: 1 }, byV)).toBe(-1);
    expect([isInOrder([1, 2, 2, 3], compare), isInOrder([2, 1], compare), isInOrder([1, 2], undecided)]).toEqual([true, false, false]);
  });
});

describe('sorted-list: edits copy the list once and leave it alone', () => {
  const list = Object.freeze(['a', 'b', 'c', 'd', 'e']);

  it('replaces, removes, inserts and moves', () => {
    expect(withReplaced(list, 1, 'B')).toEqual(['a', 'B', 'c', 'd', 'e']);
    expect(withRemoved(list, 4)).toEqual(['a', 'b', 'c', 'd']);
    expect(withInserted(list, 0, 'x')).toEqual(['x', 'a', 'b', 'c', 'd', 'e']);
    expect(withMoved(list, 1, 3, 'B')).toEqual(['a', 'c', 'd', 'B', 'e']);
    expect(withMoved(list, 3, 0, 'D')).toEqual(['D', 'a', 'b', 'c', 'e']);
    expect(withMoved(list, 2, 2, 'C')).toEqual(['a', 'b', 'C', 'd', 'e']);
    expect(withInserted(list, 5, 'z')).toEqual(['a', 'b', 'c', 'd', 'e', 'z']);
    expect(withInserted(list, 4, 'y')).toEqual(['a', 'b', 'c', 'd', 'y', 'e']);
    expect(withInserted([], 0, 'x')).toEqual(['x']);
    expect(list).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('edits a holey list too (new Array(n), map, structuredClone make them)', () => {
    const holey = new Array<number>(3);
    holey[0] = 1;
    holey[1] = 2;
    holey[2] = 3;
    expect(withInserted(holey, 1, 9)).toEqual([1, 9, 2, 3]);
    expect(withRemoved(holey, 1)).toEqual([1, 3]);
  });
});
