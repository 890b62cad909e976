import { describe, expect, it } from 'vitest';
import type { DocumentChange } from '../../capture/document-change';
import { decodeChanges, encodeChanges } from '../change-codec';

describe('change records between nodes', () => {
  it('carry a change, its states and their dates as they were read', () => {
    const publishedAt = new Date('2026-11-30T10:00:00.123Z');
    const change: DocumentChange = {
      uid: 'api::article.article',
      documentId: 'abc',
      locale: null,
      cause: 'publish',
      published: 'update',
      draft: 'update',
      ts: 1_764_496_800_123.456,
      eventIds: { published: 'n1-0000000001', draft: 'n1-0000000002' },
      states: {
        before: { published: { id: 1, documentId: 'abc', title: 'Old', publishedAt, category: null, tags: [] }, draft: null },
        after: { published: { id: 2, documentId: 'abc', title: 'New', publishedAt, category: { id: 3, slug: 'news' }, tags: [{ id: 4 }] }, draft: null },
      },
      dependents: [{ uid: 'api::comment.comment', documentId: 'c1', locale: null, status: 'published', before: null, after: { id: 9, createdAt: publishedAt }, eventId: 'n1-0000000003' }],
    };
    const [decoded] = decodeChanges(encodeChanges([change]));
    expect(decoded).toEqual(change);
    expect(decoded!.states!.after.published!.publishedAt).toBeInstanceOf(Date);
  });

  it('leaves an object that only looks like a date alone when it has other keys', () => {
    const change = { uid: 'u', documentId: 'd', locale: null, cause: 'update', published: 'update', draft: null, ts: 1, states: { before: { published: { meta: { $date: 1, other: true } }, draft: null }, after: { published: null, draft: null } } } as DocumentChange;
    expect(decodeChanges(encodeChanges([change]))).toEqual([change]);
  });

  it('refuses a record that is not a list of changes', () => {
    expect(() => decodeChanges('{"uid":"x"}')).toThrow('must be an array');
  });
});
