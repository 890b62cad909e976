import { toValue } from 'vue';
import type { MaybeRefOrGetter } from 'vue';
import { liveQueryKey } from '@strapi-live/client';
import type { CollectionOptions, StrapiDocument } from '@strapi-live/client';
import { useLiveClient } from './plugin';
import { useObserver } from './use-observer';
import type { LiveRefs } from './use-observer';

/**
 * A live list of documents. `uid` and `query` may be plain values, refs or getters: when their
 * value changes (compared by value, deeply) the composable subscribes to the new query and
 * unsubscribes from the old one; it unsubscribes when the component (effect scope) is disposed.
 *
 * @example
 * const category = ref('news');
 * const { data: articles, status } = useLiveCollection<Article>('api::article.article', () => ({
 *   filters: { category: { slug: { $eq: category.value } } },
 *   sort: 'publishedAt:desc',
 * }));
 */
export function useLiveCollection<T = StrapiDocument>(
  uid: MaybeRefOrGetter<string>,
  query?: MaybeRefOrGetter<CollectionOptions | undefined>,
): LiveRefs<T[]> {
  const client = useLiveClient();
  return useObserver(
    () => JSON.stringify(liveQueryKey(toValue(uid), toValue(query))),
    () => client.collection<T>(toValue(uid), toValue(query)),
  );
}
