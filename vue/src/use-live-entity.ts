import { toValue } from 'vue';
import type { MaybeRefOrGetter } from 'vue';
import { liveEntityKey } from '@strapi-live/client';
import type { EntityOptions, StrapiDocument } from '@strapi-live/client';
import { useLiveClient } from './plugin';
import { useObserver } from './use-observer';
import type { LiveRefs } from './use-observer';

/**
 * One live document by `documentId` (`data` is `null` once it is known not to exist for this
 * reader). Arguments may be refs or getters; a new value resubscribes.
 *
 * @example
 * const props = defineProps<{ id: string }>();
 * const { data: article } = useLiveEntity<Article>('api::article.article', () => props.id, { populate: ['category'] });
 */
export function useLiveEntity<T = StrapiDocument>(
  uid: MaybeRefOrGetter<string>,
  documentId: MaybeRefOrGetter<string>,
  query?: MaybeRefOrGetter<EntityOptions | undefined>,
): LiveRefs<T | null> {
  const client = useLiveClient();
  return useObserver(
    () => JSON.stringify(liveEntityKey(toValue(uid), toValue(documentId), toValue(query))),
    () => client.entity<T>(toValue(uid), toValue(documentId), toValue(query)),
  );
}
