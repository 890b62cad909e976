import { describe, expect, it } from 'vitest';
import { diffDraftAndPublish, plainChange } from '../capture/document-change';
import type { DocumentRow } from '../capture/document-change';

const base = { uid: 'api::article.article', documentId: 'doc1', ts: 1 };
const draft = (id: number, locale: string | null = null): DocumentRow => ({ id, locale, publishedAt: null });
const published = (id: number, locale: string | null = null): DocumentRow => ({ id, locale, publishedAt: '2026-01-01' });

function views(cause: Parameters<typeof diffDraftAndPublish>[0]['cause'], before: DocumentRow[], after: DocumentRow[]) {
  return diffDraftAndPublish({ ...base, cause }, before, after).map(({ locale, published: p, draft: d }) => ({ locale, published: p, draft: d }));
}

describe('the draft & publish table', () => {
  it('a draft created: nothing for published readers, create for draft readers', () => {
    expect(views('create', [], [draft(1)])).toEqual([{ locale: null, published: null, draft: 'create' }]);
  });

  it('created published: create for published readers', () => {
    expect(views('create', [], [draft(1), published(2)])).toEqual([{ locale: null, published: 'create', draft: 'create' }]);
  });

  it('first publish: create for published readers, update for draft readers', () => {
    expect(views('publish', [draft(1)], [draft(1), published(2)])).toEqual([{ locale: null, published: 'create', draft: 'update' }]);
  });

  it("an edit of a published document's draft: nothing for published readers", () => {
    expect(views('update', [draft(1), published(2)], [draft(1), published(2)])).toEqual([{ locale: null, published: null, draft: 'update' }]);
  });

  it('publishing an already published document: update for both', () => {
    expect(views('publish', [draft(1), published(2)], [draft(1), published(3)])).toEqual([{ locale: null, published: 'update', draft: 'update' }]);
  });

  it('unpublish: delete for published readers, update for draft readers', () => {
    expect(views('unpublish', [draft(1), published(2)], [draft(1)])).toEqual([{ locale: null, published: 'delete', draft: 'update' }]);
  });

  it('discarding a draft: nothing for published readers', () => {
    expect(views('discardDraft', [draft(1), published(2)], [draft(3), published(2)])).toEqual([{ locale: null, published: null, draft: 'update' }]);
  });

  it('deleting a published document: delete for both', () => {
    expect(views('delete', [draft(1), published(2)], [])).toEqual([{ locale: null, published: 'delete', draft: 'delete' }]);
  });

  it('deleting a never-published document tells published readers nothing (its id never reached them)', () => {
    expect(views('delete', [draft(1)], [])).toEqual([{ locale: null, published: null, draft: 'delete' }]);
  });

  it('one change per locale a bulk write touched', () => {
    const result = views('publish', [draft(1, 'en'), draft(2, 'fr')], [draft(1, 'en'), published(3, 'en'), draft(2, 'fr'), published(4, 'fr')]);
    expect(result).toEqual([
      { locale: 'en', published: 'create', draft: 'update' },
      { locale: 'fr', published: 'create', draft: 'update' },
    ]);
  });
});

describe('content types without draft & publish', () => {
  it('map create, update and delete one to one', () => {
    for (const cause of ['create', 'update', 'delete'] as const) {
      expect(plainChange({ ...base, cause }, [null])).toEqual([{ ...base, cause, locale: null, published: cause, draft: null }]);
    }
  });
});

describe("i18n's copies of shared (non-localized) fields into the other locales", () => {
  const rows = [draft(1, 'en'), published(2, 'en'), draft(3, 'fr'), published(4, 'fr'), draft(5, 'de')];
  const diff = (cause: 'update' | 'publish', after: DocumentRow[], copies: { from: string; status: 'draft' | 'published' | null }) =>
    diffDraftAndPublish({ ...base, cause }, rows, after, copies).map(({ locale, published: p, draft: d }) => ({ locale, published: p, draft: d }));

  it('an edit copied to the other drafts: update of their draft views only', () => {
    expect(diff('update', rows, { from: 'en', status: 'draft' })).toEqual([
      { locale: 'en', published: null, draft: 'update' },
      { locale: 'fr', published: null, draft: 'update' },
      { locale: 'de', published: null, draft: 'update' },
    ]);
  });

  it('a publish copied to the other published versions, changed in place: update for their published readers', () => {
    const after = [draft(1, 'en'), published(6, 'en'), draft(3, 'fr'), published(4, 'fr'), draft(5, 'de')];
    expect(diff('publish', after, { from: 'en', status: 'published' })).toEqual([
      { locale: 'en', published: 'update', draft: 'update' },
      { locale: 'fr', published: 'update', draft: null },
    ]);
  });

  it('nothing copied: the other locales did not change', () => {
    expect(diff('update', rows, { from: 'fr', status: null })).toEqual([{ locale: 'fr', published: null, draft: 'update' }]);
  });
});
