import { toValue } from 'vue';
import type { MaybeRefOrGetter } from 'vue';
import { liveQueryKey } from '@strapi-live/client';
import type { CollectionOptions, CollectionOptionsFor, ContentTypeUID, DocumentShape, ExplicitTypeUid, FieldsFor, PopulateFor } from '@strapi-live/client';
import { useLiveClient } from './plugin';
import { useObserver } from './use-observer';
import type { LiveRefs } from './use-observer';

/**
 * A live list of documents. `uid` and `query` may be plain values, refs or getters: when their
 * value changes (compared by value, deeply) the composable subscribes to the new query and
 * unsubscribes from the old one; it unsubscribes when the component (effect scope) is disposed.
 * With a registered schema (see `Register` in @strapi-live/client) the documents are typed from
 * the uid and `populate`, with no generic.
 *
 * @example
 * const category = ref('news');
 * const { data: articles, status } = useLiveCollection('api::article.article', () => ({
 *   filters: { category: { slug: { $eq: category.value } } },
 *   sort: 'publishedAt:desc',
 * }));
 */
export function useLiveCollection<
  const TUid extends ContentTypeUID,
  const TPopulate extends PopulateFor<TUid> | undefined = undefined,
  const TFields extends FieldsFor<TUid> | undefined = undefined,
>(
  uid: MaybeRefOrGetter<TUid>,
  query?: MaybeRefOrGetter<CollectionOptionsFor<TUid, TPopulate, TFields> | undefined>,
): LiveRefs<DocumentShape<TUid, { populate: TPopulate; fields: TFields }>[]>;
/** A live list whose document type you give: `useLiveCollection<Article>(uid, query)`. */
export function useLiveCollection<TDocument = never>(
  uid: MaybeRefOrGetter<ExplicitTypeUid<TDocument>>,
  query?: MaybeRefOrGetter<CollectionOptions | undefined>,
): LiveRefs<TDocument[]>;
export function useLiveCollection(uid: MaybeRefOrGetter<string>, query?: MaybeRefOrGetter<CollectionOptions | undefined>): LiveRefs<unknown[]> {
  const client = useLiveClient();
  return useObserver(
    () => JSON.stringify(liveQueryKey(toValue(uid), toValue(query))),
    () => client.collection<unknown>(toValue(uid), toValue(query)),
  );
}
