import { useMemo } from 'react';
import { liveQueryKey } from '@strapi-live/client';
import type {
  CollectionOptions,
  CollectionOptionsFor,
  ContentTypeUID,
  DocumentShape,
  ExplicitTypeUid,
  FieldsFor,
  LiveResult,
  PopulateFor,
} from '@strapi-live/client';
import { useLiveClient } from './context';
import { useObserver } from './use-observer';

/**
 * A live list of documents: fetched over REST, then kept current by the server's events.
 * `query` is compared by value, so an object literal written inline does not resubscribe.
 * On the server (`renderToString`) it renders `{ status: 'pending', data: undefined }` and neither
 * connects nor fetches. With a registered schema (see `Register` in @strapi-live/client) the
 * documents are typed from the uid and `populate`, with no generic.
 *
 * @example
 * function Articles() {
 *   const { data, status, error } = useLiveCollection('api::article.article', {
 *     filters: { category: { slug: { $eq: 'news' } } },
 *     sort: 'publishedAt:desc',
 *   });
 *   if (status === 'pending') return <p>Loading…</p>;
 *   if (status === 'error') return <p>{error.message}</p>;
 *   return <ul>{data.map((a) => <li key={a.documentId}>{a.title}</li>)}</ul>;
 * }
 */
export function useLiveCollection<
  const TUid extends ContentTypeUID,
  const TPopulate extends PopulateFor<TUid> | undefined = undefined,
  const TFields extends FieldsFor<TUid> | undefined = undefined,
>(uid: TUid, query?: CollectionOptionsFor<TUid, TPopulate, TFields>): LiveResult<DocumentShape<TUid, { populate: TPopulate; fields: TFields }>[]>;
/** A live list whose document type you give: `useLiveCollection<Article>(uid, query)`. */
export function useLiveCollection<TDocument = never>(uid: ExplicitTypeUid<TDocument>, query?: CollectionOptions): LiveResult<TDocument[]>;
export function useLiveCollection(uid: string, query?: CollectionOptions): LiveResult<unknown[]> {
  const client = useLiveClient();
  const key = JSON.stringify(liveQueryKey(uid, query));
  // Keyed by value: `query` is read again only when its serialization changes.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const observer = useMemo(() => client.collection<unknown>(uid, query), [client, key]);
  return useObserver(observer);
}
