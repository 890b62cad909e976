import { useMemo } from 'react';
import { liveEntityKey } from '@strapi-live/client';
import type { EntityOptions, LiveResult, StrapiDocument } from '@strapi-live/client';
import { useLiveClient } from './context';
import { useObserver } from './use-observer';

/**
 * One live document by `documentId`; `data` is `null` once it is known not to exist (or was
 * deleted / unpublished for this reader). `query` is compared by value. Server rendering gives
 * `{ status: 'pending', data: undefined }` without connecting.
 *
 * @example
 * function ArticlePage({ id }: { id: string }) {
 *   const { data: article, status } = useLiveEntity<Article>('api::article.article', id, { populate: ['category'] });
 *   if (status !== 'success') return <Spinner />;
 *   return article ? <h1>{article.title}</h1> : <p>Gone.</p>;
 * }
 */
export function useLiveEntity<T = StrapiDocument>(uid: string, documentId: string, query?: EntityOptions): LiveResult<T | null> {
  const client = useLiveClient();
  const key = JSON.stringify(liveEntityKey(uid, documentId, query));
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const observer = useMemo(() => client.entity<T>(uid, documentId, query), [client, key]);
  return useObserver(observer);
}
