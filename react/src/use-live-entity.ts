import { useMemo } from 'react';
import { liveEntityKey } from '@strapi-live/client';
import type {
  ContentTypeUID,
  DocumentShape,
  EntityOptions,
  EntityOptionsFor,
  ExplicitTypeUid,
  FieldsFor,
  LiveResult,
  PopulateFor,
} from '@strapi-live/client';
import { useLiveClient } from './context';
import { useObserver } from './use-observer';

/**
 * One live document by `documentId`; `data` is `null` once it is known not to exist (or was
 * deleted / unpublished for this reader). `query` is compared by value. Server rendering gives
 * `{ status: 'pending', data: undefined }` without connecting.
 *
 * @example
 * function ArticlePage({ id }: { id: string }) {
 *   const { data: article, status } = useLiveEntity('api::article.article', id, { populate: ['category'] });
 *   if (status !== 'success') return <p>Loading…</p>;
 *   return article ? <h1>{article.title} ({article.category?.name})</h1> : <p>Gone.</p>;
 * }
 */
export function useLiveEntity<
  const TUid extends ContentTypeUID,
  const TPopulate extends PopulateFor<TUid> | undefined = undefined,
  const TFields extends FieldsFor<TUid> | undefined = undefined,
>(uid: TUid, documentId: string, query?: EntityOptionsFor<TUid, TPopulate, TFields>): LiveResult<DocumentShape<TUid, { populate: TPopulate; fields: TFields }> | null>;
/** One live document whose type you give: `useLiveEntity<Article>(uid, documentId)`. */
export function useLiveEntity<TDocument = never>(uid: ExplicitTypeUid<TDocument>, documentId: string, query?: EntityOptions): LiveResult<TDocument | null>;
export function useLiveEntity(uid: string, documentId: string, query?: EntityOptions): LiveResult<unknown> {
  const client = useLiveClient();
  const key = JSON.stringify(liveEntityKey(uid, documentId, query));
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const observer = useMemo(() => client.entity<unknown>(uid, documentId, query), [client, key]);
  return useObserver(observer);
}
