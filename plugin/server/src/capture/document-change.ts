import type { ContentAction, DocumentAction, DocumentStatus } from '@strapi-live/client/protocol';
import type { DocumentState } from '../live-queries/matcher';
import type { DependentKey, ViewStates } from '../live-queries/state-loader';

/** One committed change of one document in one locale, as each view's readers see it. */
export interface DocumentChange {
  uid: string;
  documentId: string;
  locale: string | null;
  cause: DocumentAction;
  /** What readers of the published view (REST's default) see; null when nothing changed for them. */
  published: ContentAction | null;
  /** What readers of the draft view see (draft & publish types only). */
  draft: ContentAction | null;
  /**
   * Commit time, milliseconds since the epoch (fractional on PostgreSQL). On PostgreSQL and MySQL it
   * is the database's clock, read inside the write after the write took its row locks, so two
   * writes of one document compare in commit order whichever node made them.
   */
  ts: number;
  /**
   * The document in each view before and after the write, with what live queries on its type read
   * (absent when none does): live queries decide enter / update / leave from these alone.
   */
  states?: { before: ViewStates; after: ViewStates };
  /**
   * Documents of other types whose live queries filter through this one (articles by
   * `category.slug` when a category changes), before and after the write (null where the document
   * is not related to this one at that moment and was not read).
   */
  dependents?: (DependentKey & { before: DocumentState | null; after: DocumentState | null; eventId?: string })[];
  /**
   * The ids of the events this change sends in each view, taken in commit order by the node that
   * committed it (see delivery's `stamp`), so every node sends the same ids for it.
   */
  eventIds?: Record<DocumentStatus, string>;
}

/** The rows of one document before or after a write: which locales have a draft and which a published version. */
export interface DocumentRow {
  id: number;
  locale: string | null;
  publishedAt: string | Date | null;
}

type ViewState = { draftId: number | null; publishedId: number | null };

function stateByLocale(rows: DocumentRow[]): Map<string | null, ViewState> {
  const states = new Map<string | null, ViewState>();
  for (const row of rows) {
    const state = states.get(row.locale) ?? { draftId: null, publishedId: null };
    if (row.publishedAt) state.publishedId = row.id;
    else state.draftId = row.id;
    states.set(row.locale, state);
  }
  return states;
}

function viewAction(existed: boolean, exists: boolean, changed: boolean): ContentAction | null {
  if (!existed && exists) return 'create';
  if (existed && !exists) return 'delete';
  if (existed && exists && changed) return 'update';
  return null;
}

/**
 * The draft & publish table of DESIGN.md §2, computed from the document's rows before and after
 * the write rather than from the action's name, so that every path (REST, admin, Document Service
 * calls with `status`, bulk publish of all locales) maps the same way. Strapi replaces the
 * published row on every publish, so a new published row id means the published content changed.
 */
export function diffDraftAndPublish(
  base: Omit<DocumentChange, 'locale' | 'published' | 'draft'>,
  before: DocumentRow[],
  after: DocumentRow[],
  copies?: SharedFieldCopies,
): DocumentChange[] {
  const was = stateByLocale(before);
  const is = stateByLocale(after);
  const locales = new Set([...was.keys(), ...is.keys()]);
  const changes: DocumentChange[] = [];
  for (const locale of locales) {
    const prev = was.get(locale) ?? { draftId: null, publishedId: null };
    const next = is.get(locale) ?? { draftId: null, publishedId: null };
    // A locale the write did not name changed only where i18n copied shared fields into it, in place.
    const other = copies !== undefined && locale !== copies.from;
    const copiedInto = (status: DocumentStatus) => other && copies.status === status;
    const published = viewAction(prev.publishedId !== null, next.publishedId !== null, prev.publishedId !== next.publishedId || copiedInto('published'));
    // Every write that touches a locale changes what its draft view shows (content or status).
    const draft = viewAction(prev.draftId !== null, next.draftId !== null, !other || copiedInto('draft'));
    if (published || draft) changes.push({ ...base, locale, published, draft });
  }
  return changes;
}

/**
 * Strapi's i18n copies a localized type's non-localized fields from the locale a write named (`from`)
 * to the document's other locales, in the view written (`status`), when they changed; `status` is
 * null when nothing was copied.
 */
export interface SharedFieldCopies {
  from: string;
  status: DocumentStatus | null;
}

/** Content types without draft & publish have one view, and the action says it all. */
export function plainChange(
  base: Omit<DocumentChange, 'locale' | 'published' | 'draft'>,
  locales: (string | null)[],
): DocumentChange[] {
  const action: ContentAction | null =
    base.cause === 'create' ? 'create' : base.cause === 'update' ? 'update' : base.cause === 'delete' ? 'delete' : null;
  if (!action) return [];
  return locales.map((locale) => ({ ...base, locale, published: action, draft: null }));
}
