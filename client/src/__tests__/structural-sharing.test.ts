import { describe, expect, it } from 'vitest';
import { shareDocuments } from '../structural-sharing';

describe('shareDocuments', () => {
  const a = { documentId: 'a', title: 'A', tags: ['x'] };
  const b = { documentId: 'b', title: 'B', category: { name: 'N' } };

  it('keeps the identity of unchanged documents even when they moved', () => {
    const next = shareDocuments([a, b], [{ documentId: 'c' }, structuredClone(b), structuredClone(a)]);
    expect(next[1]).toBe(b);
    expect(next[2]).toBe(a);
  });

  it('returns the previous list itself when nothing changed', () => {
    const previous = [a, b];
    expect(shareDocuments(previous, [structuredClone(a), structuredClone(b)])).toBe(previous);
  });

  it('shares the unchanged parts of a changed document', () => {
    const [changed] = shareDocuments([b], [{ ...structuredClone(b), title: 'B2' }]);
    expect(changed).not.toBe(b);
    expect(changed).toEqual({ ...b, title: 'B2' });
    expect(changed!.category).toBe(b.category);
  });

  it('shares a single document (an entity) and lets null through', () => {
    expect(shareDocuments(a, structuredClone(a))).toBe(a);
    expect(shareDocuments(a, null)).toBeNull();
  });
});
