import { useMemo } from 'react';
import { liveSingleKey } from '@strapi-live/client';
import type {
  DocumentShape,
  EntityOptions,
  EntityOptionsFor,
  ExplicitSingleTypeUid,
  FieldsFor,
  LiveResult,
  PopulateFor,
  SingleTypeUID,
} from '@strapi-live/client';
import { useLiveClient } from './context';
import { useObserver } from './use-observer';

/**
 * A live single type's entry in `query.locale` (the default locale without one): `data` is `null`
 * while it has none, and follows it when it is deleted and created again. `query` is compared by
 * value, so a new `locale` subscribes to that locale's entry once. Server rendering gives
 * `{ status: 'pending', data: undefined }` without connecting.
 *
 * @example
 * function Hero({ locale }: { locale: string }) {
 *   const { data: homepage, status } = useLiveSingle('api::homepage.homepage', { locale });
 *   if (status !== 'success') return <p>Loading…</p>;
 *   return homepage ? <h1>{homepage.headline}</h1> : <p>No homepage in this language yet.</p>;
 * }
 */
export function useLiveSingle<
  const TUid extends SingleTypeUID,
  const TPopulate extends PopulateFor<TUid> | undefined = undefined,
  const TFields extends FieldsFor<TUid> | undefined = undefined,
>(uid: TUid, query?: EntityOptionsFor<TUid, TPopulate, TFields>): LiveResult<DocumentShape<TUid, { populate: TPopulate; fields: TFields }> | null>;
/** A live single type whose document type you give: `useLiveSingle<Homepage>(uid, query)`. */
export function useLiveSingle<TDocument = never>(uid: ExplicitSingleTypeUid<TDocument>, query?: EntityOptions): LiveResult<TDocument | null>;
export function useLiveSingle(uid: string, query?: EntityOptions): LiveResult<unknown> {
  const client = useLiveClient();
  const key = JSON.stringify(liveSingleKey(uid, query));
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const observer = useMemo(() => client.single<unknown>(uid, query), [client, key]);
  return useObserver(observer);
}
