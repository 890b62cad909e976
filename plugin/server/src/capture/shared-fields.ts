import type { Core } from '@strapi/strapi';
import type { DocumentStatus } from '@strapi-live/client/protocol';

/** The writes after which Strapi's i18n copies non-localized fields to the other locales. */
const COPYING_ACTIONS = new Set(['create', 'update', 'discardDraft', 'publish']);

interface I18nContentTypes {
  getNonLocalizedAttributes(model: unknown): string[];
  getNestedPopulateOfNonLocalizedAttributes(uid: string): unknown;
  copyNonLocalizedAttributes(model: unknown, entry: unknown): Record<string, unknown>;
}

type WriteResult = { id?: unknown; entries?: { id?: unknown }[] } | null | undefined;

/**
 * What Strapi's i18n does after a write of one locale of a localized type that has non-localized
 * (shared) fields: when they changed, it copies them to every other locale of the document, in the
 * view written (the other drafts after an edit, the other published versions after a publish),
 * updating those rows in place. The capture asks here whether it will, with i18n's own services and
 * the same comparison, so that it decides as i18n does.
 */
export function createSharedFields(strapi: Core.Strapi) {
  const service = () => strapi.plugin('i18n')?.service('content-types') as I18nContentTypes | undefined;
  const populates = new Map<string, unknown>();

  /** What to read of a type's shared fields; null for a type without any. */
  function populateOf(uid: string): unknown {
    if (!populates.has(uid)) {
      const i18n = service();
      const model = strapi.getModel(uid as never);
      populates.set(uid, i18n && model && i18n.getNonLocalizedAttributes(model).length > 0 ? i18n.getNestedPopulateOfNonLocalizedAttributes(uid) : null);
    }
    return populates.get(uid) ?? null;
  }

  const read = (uid: string, where: Record<string, unknown>) =>
    strapi.db.query(uid as never).findOne({ where, populate: populateOf(uid) as never }) as Promise<Record<string, unknown> | null>;

  return {
    /** Whether this write of one named locale may copy shared fields into the document's other locales. */
    mayCopy(uid: string, action: string, locale: string | undefined): locale is string {
      return locale !== undefined && COPYING_ACTIONS.has(action) && populateOf(uid) !== null;
    },

    /** What i18n compares with, read before the write as it reads it: a row of the document. */
    before(uid: string, documentId: string | undefined): Promise<Record<string, unknown> | null> {
      return documentId ? read(uid, { documentId }) : Promise.resolve(null);
    },

    /** The view i18n copied into (that of the row written), or null when the shared fields did not change. */
    async copied(uid: string, before: Record<string, unknown> | null, result: WriteResult): Promise<DocumentStatus | null> {
      const id = Array.isArray(result?.entries) && result.entries[0]?.id ? result.entries[0].id : result?.id;
      if (!id) return null;
      const written = await read(uid, { id });
      const i18n = service();
      if (!written || !i18n) return null;
      const model = strapi.getModel(uid as never);
      const was = i18n.copyNonLocalizedAttributes(model, before);
      const is = i18n.copyNonLocalizedAttributes(model, written);
      const changed = !before || Object.keys(is).some((key) => JSON.stringify(is[key]) !== JSON.stringify(was[key]));
      return changed ? (written.publishedAt ? 'published' : 'draft') : null;
    },
  };
}

export type SharedFields = ReturnType<typeof createSharedFields>;
