import { useMemo } from 'react';
import { liveQueryKey } from '@strapi-live/client';
import type { CollectionOptions, LiveResult, StrapiDocument } from '@strapi-live/client';
import { useLiveClient } from './context';
import { useObserver } from './use-observer';

/**
 * A live list of documents: fetched over REST, then kept current by the server's events.
 * `query` is compared by value, so an object literal written inline does not resubscribe.
 * On the server (`renderToString`) it renders `{ status: 'pending', data: undefined }` and neither
 * connects nor fetches.
 *
 * @example
 * function Articles() {
 *   const { data, status, error } = useLiveCollection<Article>('api::article.article', {
 *     filters: { category: { slug: { $eq: 'news' } } },
 *     sort: 'publishedAt:desc',
 *   });
 *   if (status === 'pending') return <Spinner />;
 *   if (status === 'error') return <p>{error.message}</p>;
 *   return <ul>{data.map((a) => <li key={a.documentId}>{a.title}</li>)}</ul>;
 * }
 */
export function useLiveCollection<T = StrapiDocument>(uid: string, query?: CollectionOptions): LiveResult<T[]> {
  const client = useLiveClient();
  const key = JSON.stringify(liveQueryKey(uid, query));
  // Keyed by value: `query` is read again only when its serialization changes.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const observer = useMemo(() => client.collection<T>(uid, query), [client, key]);
  return useObserver(observer);
}
