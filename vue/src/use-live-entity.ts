import { toValue } from 'vue';
import type { MaybeRefOrGetter } from 'vue';
import { liveEntityKey } from '@strapi-live/client';
import type { ContentTypeUID, DocumentShape, EntityOptions, EntityOptionsFor, ExplicitTypeUid, FieldsFor, PopulateFor } from '@strapi-live/client';
import { useLiveClient } from './plugin';
import { useObserver } from './use-observer';
import type { LiveRefs } from './use-observer';

/**
 * One live document by `documentId` (`data` is `null` once it is known not to exist for this
 * reader). Arguments may be refs or getters; a new value resubscribes.
 *
 * @example
 * const props = defineProps<{ id: string }>();
 * const { data: article } = useLiveEntity('api::article.article', () => props.id, { populate: ['category'] });
 */
export function useLiveEntity<
  const TUid extends ContentTypeUID,
  const TPopulate extends PopulateFor<TUid> | undefined = undefined,
  const TFields extends FieldsFor<TUid> | undefined = undefined,
>(
  uid: MaybeRefOrGetter<TUid>,
  documentId: MaybeRefOrGetter<string>,
  query?: MaybeRefOrGetter<EntityOptionsFor<TUid, TPopulate, TFields> | undefined>,
): LiveRefs<DocumentShape<TUid, { populate: TPopulate; fields: TFields }> | null>;
/** One live document whose type you give: `useLiveEntity<Article>(uid, documentId, query)`. */
export function useLiveEntity<TDocument = never>(
  uid: MaybeRefOrGetter<ExplicitTypeUid<TDocument>>,
  documentId: MaybeRefOrGetter<string>,
  query?: MaybeRefOrGetter<EntityOptions | undefined>,
): LiveRefs<TDocument | null>;
export function useLiveEntity(
  uid: MaybeRefOrGetter<string>,
  documentId: MaybeRefOrGetter<string>,
  query?: MaybeRefOrGetter<EntityOptions | undefined>,
): LiveRefs<unknown> {
  const client = useLiveClient();
  return useObserver(
    () => JSON.stringify(liveEntityKey(toValue(uid), toValue(documentId), toValue(query))),
    () => client.entity<unknown>(toValue(uid), toValue(documentId), toValue(query)),
  );
}
