/**
 * Without a registered schema everything compiles as before: any uid, loose options, documents
 * typed `StrapiDocument` (or the type given explicitly), and the result still narrowed by status.
 */
import { expectTypeOf } from 'vitest';
import { createLiveClient } from '@strapi-live/client';
import type { DeletedDocument, StrapiDocument } from '@strapi-live/client';
import { useLiveCollection, useLiveEntity, useLiveEvent } from '@strapi-live/react';
import { useLiveCollection as useVueCollection } from '@strapi-live/vue';

const live = createLiveClient({ url: 'http://localhost:1337' });
const any = live.collection('api::anything.anything', { filters: { whatever: { $eq: 1 } }, populate: { deep: { populate: '*' } } }).getCurrentResult();
if (any.status === 'success') expectTypeOf(any.data).toEqualTypeOf<StrapiDocument[]>();

interface Article {
  documentId: string;
  title: string;
}
const typed = live.entity<Article>('api::article.article', 'abc').getCurrentResult();
if (typed.status === 'success') expectTypeOf(typed.data).toEqualTypeOf<Article | null>();

const single = live.single('api::homepage.homepage', { locale: 'fr' }).getCurrentResult();
if (single.status === 'success') expectTypeOf(single.data).toEqualTypeOf<StrapiDocument | null>();

live.on('article:update', (document) => expectTypeOf(document).toEqualTypeOf<StrapiDocument>());
live.on('article:delete', (document) => expectTypeOf(document).toEqualTypeOf<DeletedDocument>());
live.on('chat', (...args: unknown[]) => void args);

export function Articles() {
  const { data, status } = useLiveCollection<Article>('api::article.article', { sort: 'title' });
  const loose = useLiveEntity('api::article.article', 'abc');
  useLiveEvent<Article & StrapiDocument>('article:create', (article) => void article);
  if (loose.status === 'success') expectTypeOf(loose.data).toEqualTypeOf<StrapiDocument | null>();
  return status === 'success' ? <ul>{data.map((a) => <li key={a.documentId}>{a.title}</li>)}</ul> : null;
}

const { data: vueData } = useVueCollection('api::article.article');
expectTypeOf(vueData.value).toEqualTypeOf<StrapiDocument[] | undefined>();
