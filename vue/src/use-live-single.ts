import { toValue } from 'vue';
import type { MaybeRefOrGetter } from 'vue';
import { liveSingleKey } from '@strapi-live/client';
import type { DocumentShape, EntityOptions, EntityOptionsFor, ExplicitSingleTypeUid, FieldsFor, PopulateFor, SingleTypeUID } from '@strapi-live/client';
import { useLiveClient } from './plugin';
import { useObserver } from './use-observer';
import type { LiveRefs } from './use-observer';

/**
 * A live single type's entry in `query.locale` (the default locale without one): `data` is `null`
 * while it has none, and follows it when it is deleted and created again. `uid` and `query` may be
 * refs or getters: a new value (compared deeply), such as another locale, subscribes once to it.
 *
 * @example
 * const locale = ref('en');
 * const { data: homepage } = useLiveSingle('api::homepage.homepage', () => ({ locale: locale.value }));
 * // <h1 v-if="homepage">{{ homepage.headline }}</h1>
 */
export function useLiveSingle<
  const TUid extends SingleTypeUID,
  const TPopulate extends PopulateFor<TUid> | undefined = undefined,
  const TFields extends FieldsFor<TUid> | undefined = undefined,
>(
  uid: MaybeRefOrGetter<TUid>,
  query?: MaybeRefOrGetter<EntityOptionsFor<TUid, TPopulate, TFields> | undefined>,
): LiveRefs<DocumentShape<TUid, { populate: TPopulate; fields: TFields }> | null>;
/** A live single type whose document type you give: `useLiveSingle<Homepage>(uid, query)`. */
export function useLiveSingle<TDocument = never>(
  uid: MaybeRefOrGetter<ExplicitSingleTypeUid<TDocument>>,
  query?: MaybeRefOrGetter<EntityOptions | undefined>,
): LiveRefs<TDocument | null>;
export function useLiveSingle(uid: MaybeRefOrGetter<string>, query?: MaybeRefOrGetter<EntityOptions | undefined>): LiveRefs<unknown> {
  const client = useLiveClient();
  return useObserver(
    () => JSON.stringify(liveSingleKey(toValue(uid), toValue(query))),
    () => client.single<unknown>(toValue(uid), toValue(query)),
  );
}
