import type { Core } from '@strapi/strapi';
import type { DocumentAction } from '@strapi-live/client/protocol';
import type { StateLoader, ViewStates } from '../live-queries/state-loader';
import { inSavepoint } from '../live-queries/savepoint';
import { NO_STATES } from './capture-changes';
import type { MiddlewareContext } from './capture-changes';
import { commitClock } from './commit-clock';
import { diffDraftAndPublish } from './document-change';
import type { DocumentChange } from './document-change';
import { readRows } from './document-rows';
import type { SharedFields } from './shared-fields';

type WriteResult = { documentId?: string; id?: unknown; entries?: { id?: unknown }[] } | null;

/**
 * The other locales' side of a write of one locale: Strapi's i18n copies non-localized fields into
 * the document's other locales after the write returns (outside the capture's transaction, which
 * sees the named locale only), changing their rows in place. This middleware runs outside i18n's
 * (see outer-slot.ts), and only for localized draft & publish types that have such fields: it
 * reads the other locales before, asks {@link SharedFields} whether i18n copied, and if it did,
 * hands over an `update` of the copied view for each other locale, with its live-query states.
 * Nothing here wraps the write in a transaction: Strapi's own semantics stay as they are.
 */
export function createSharedFieldCopies(
  strapi: Core.Strapi,
  shared: SharedFields,
  isWatched: (uid: string) => boolean,
  onChanges: (changes: DocumentChange[]) => void,
  states: StateLoader,
) {
  /** States of every locale, judged for live queries (in a transaction: judging may read). */
  const statesOf = async (uid: string, documentId: string): Promise<Map<string | null, ViewStates> | null> => {
    let read: Map<string | null, ViewStates> | null = null;
    await strapi.db.transaction(async ({ trx }) => {
      const outcome = await inSavepoint(trx, () => states.statesOf(uid, documentId, undefined, trx));
      if (outcome.ok) read = outcome.value;
      else strapi.log.error(`[io] live queries: reading the other locales of ${uid} ${documentId} failed: ${outcome.error.message}`);
    });
    return read;
  };

  return async (ctx: MiddlewareContext, next: () => Promise<unknown>): Promise<unknown> => {
    const draftAndPublish = ctx.contentType?.options?.draftAndPublish === true;
    const localized = ctx.contentType?.pluginOptions?.i18n?.localized === true;
    const locale = localized && typeof ctx.params.locale === 'string' && ctx.params.locale !== '*' ? ctx.params.locale : undefined;
    const documentId = typeof ctx.params.documentId === 'string' ? ctx.params.documentId : undefined;
    // A create names no document yet: it has no other locale to copy into.
    if (!draftAndPublish || !documentId || !shared.mayCopy(ctx.uid, ctx.action, locale) || !(isWatched(ctx.uid) || states.wants(ctx.uid))) return next();

    const live = states.wants(ctx.uid);
    const before = await readRows(strapi, ctx.uid, documentId);
    const sharedBefore = await shared.before(ctx.uid, documentId);
    const statesBefore = live ? await statesOf(ctx.uid, documentId) : null;
    const result = (await next()) as WriteResult;
    try {
      // Joins the caller's transaction if there is one: handed over when that commits, as the capture's are.
      await strapi.db.transaction(async ({ trx, onCommit }) => {
        const status = await shared.copied(ctx.uid, sharedBefore, result);
        if (!status) return;
        const after = await readRows(strapi, ctx.uid, documentId);
        const statesAfter = live ? await statesOf(ctx.uid, documentId) : null;
        const ts = await commitClock(strapi, trx as never);
        const changes = diffDraftAndPublish({ uid: ctx.uid, documentId, cause: ctx.action as DocumentAction, ts }, before, after, { from: locale, status })
          // The named locale is the capture's: it was handed over when its own transaction committed.
          .filter((change) => change.locale !== locale)
          .map((change) =>
            statesBefore || statesAfter
              ? { ...change, states: { before: statesBefore?.get(change.locale) ?? NO_STATES, after: statesAfter?.get(change.locale) ?? NO_STATES } }
              : change,
          );
        if (changes.length > 0) onCommit(() => onChanges(changes));
      });
    } catch (error) {
      // The write is done: a failure here costs the other locales' readers this update, never the write.
      strapi.log.error(`[io] could not follow the shared fields copied into the other locales of ${ctx.uid} ${documentId}: ${(error as Error).message}`);
    }
    return result;
  };
}
