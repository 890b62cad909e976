import type { Core } from '@strapi/strapi';
import type { DocumentAction } from '@strapi-live/client/protocol';
import { inSavepoint } from '../live-queries/savepoint';
import { commitClock } from './commit-clock';
import type { DependentStates, StateLoader, ViewStates } from '../live-queries/state-loader';
import type { DocumentChange } from './document-change';
import { diffDraftAndPublish, plainChange } from './document-change';
import { readRows } from './document-rows';

const WRITE_ACTIONS = new Set<string>(['create', 'update', 'delete', 'publish', 'unpublish', 'discardDraft', 'clone']);

export interface MiddlewareContext {
  uid: string;
  action: string;
  params: { documentId?: unknown; locale?: unknown } & Record<string, unknown>;
  contentType?: { options?: { draftAndPublish?: boolean }; pluginOptions?: { i18n?: { localized?: boolean } } };
}

/**
 * Captures every committed write of a watched content type from the Document Service middleware,
 * which sees documents (documentId, locale, status) rather than rows, so a publish is one change.
 * Changes are handed over only after the surrounding transaction commits; a write that throws or
 * rolls back produces nothing. Returns what stops the capture.
 */
export function captureChanges(
  strapi: Core.Strapi,
  isWatched: (uid: string) => boolean,
  onChanges: (changes: DocumentChange[]) => void,
  states: StateLoader,
): () => void {
  const documents = strapi.documents as unknown as {
    use(middleware: (ctx: MiddlewareContext, next: () => Promise<unknown>) => Promise<unknown>): unknown;
  };

  const remove = documents.use(async (ctx, next) => {
    if (!WRITE_ACTIONS.has(ctx.action)) return next();
    // A type nobody watches still matters when live queries of other types filter through it.
    const watchedType = isWatched(ctx.uid);
    if (!watchedType && !states.wants(ctx.uid)) return next();

    const draftAndPublish = ctx.contentType?.options?.draftAndPublish === true;
    const localized = ctx.contentType?.pluginOptions?.i18n?.localized === true;
    const locale = localized && typeof ctx.params.locale === 'string' && ctx.params.locale !== '*' ? ctx.params.locale : undefined;
    const knownId = typeof ctx.params.documentId === 'string' ? ctx.params.documentId : undefined;
    const rows = (documentId: string) => readRows(strapi, ctx.uid, documentId, locale);
    const cause: DocumentAction = ctx.action === 'clone' ? 'create' : (ctx.action as DocumentAction);

    // One transaction around the write (Strapi's own joins it): the rows read before and after are
    // exactly the states this write went between, and the change is handed over only once the
    // outermost transaction commits. A write that throws or rolls back hands over nothing.
    return strapi.db.transaction(async ({ trx, onCommit }) => {
      const existing = knownId && ctx.action !== 'clone' ? knownId : undefined;
      const before = draftAndPublish && existing ? await rows(existing) : [];
      // What live queries read never puts the write at risk: a failure is logged, and the write goes on.
      const live = states.wants(ctx.uid);
      const liveRead = async <T>(moment: string, read: () => Promise<T>, fallback: T): Promise<T> => {
        if (!live) return fallback;
        const outcome = await inSavepoint(trx, read);
        if (outcome.ok) return outcome.value;
        strapi.log.error(`[io] live queries: reading ${ctx.uid} ${moment} the write failed; their subscribers miss this change: ${outcome.error.stack ?? outcome.error.message}`);
        return fallback;
      };
      const mentioned = live ? states.mentionedIn(ctx.uid, ctx.params.data) : new Map();
      const [statesBefore, dependentsBefore] = await liveRead<[ReadStates, DependentStates | undefined]>(
        'before',
        async () => [existing ? await states.statesOf(ctx.uid, existing, locale, trx) : null, await states.dependentsOf(ctx.uid, existing, trx, mentioned)],
        [null, undefined],
      );
      const result = (await next()) as { documentId?: string; locale?: string | null; entries?: { locale?: string | null }[] } | null;
      const documentId = ctx.action === 'create' || ctx.action === 'clone' ? result?.documentId : knownId ?? result?.documentId;
      if (!documentId) return result;
      const [statesAfter, dependentsAfter] = await liveRead<[ReadStates, DependentStates]>(
        'after',
        async () => [await states.statesOf(ctx.uid, documentId, locale, trx), await states.dependentsOf(ctx.uid, documentId, trx, mentioned, dependentsBefore)],
        [null, new Map()],
      );
      const withStates = (changes: DocumentChange[]): DocumentChange[] =>
        changes.map((change, i) => ({
          ...change,
          ...(statesBefore || statesAfter
            ? { states: { before: statesBefore?.get(change.locale) ?? NO_STATES, after: statesAfter?.get(change.locale) ?? NO_STATES } }
            : {}),
          // Related documents once per write, not once per locale the write touched.
          ...(i === 0 && (dependentsBefore?.size || dependentsAfter.size) ? { dependents: pairDependents(dependentsBefore, dependentsAfter) } : {}),
        }));

      const ts = await commitClock(strapi, trx as never);
      let pending: () => DocumentChange[];
      if (draftAndPublish) {
        const after = await rows(documentId);
        pending = () => withStates(diffDraftAndPublish({ uid: ctx.uid, documentId, cause, ts }, before, after));
      } else {
        const locales = result?.entries?.map((entry) => entry.locale ?? null) ?? [result?.locale ?? locale ?? null];
        pending = () => withStates(plainChange({ uid: ctx.uid, documentId, cause, ts }, [...new Set(locales)]));
      }
      onCommit(() => {
        try {
          onChanges(pending());
        } catch (error) {
          strapi.log.error(`[io] could not publish a content change: ${(error as Error).message}`);
        }
      });
      return result;
    });
  });
  return typeof remove === 'function' ? (remove as () => void) : () => {};
}

export const NO_STATES: ViewStates = { published: null, draft: null };

type ReadStates = Map<string | null, ViewStates> | null;

/** Related documents before and after the write, paired by document, locale and view. */
function pairDependents(before: DependentStates | undefined, after: DependentStates): NonNullable<DocumentChange['dependents']> {
  const keys = new Set([...(before?.keys() ?? []), ...after.keys()]);
  return [...keys].map((key) => {
    const was = before?.get(key);
    const is = after.get(key);
    const { uid, documentId, locale, status } = (is ?? was)!;
    return { uid, documentId, locale, status, before: was?.state ?? null, after: is?.state ?? null };
  });
}
