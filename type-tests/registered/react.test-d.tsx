/** The React hooks infer documents from the registered schema, with no generic. */
import { expectTypeOf } from 'vitest';
import { useLiveCollection, useLiveEntity, useLiveEvent, useLiveSingle } from '@strapi-live/react';

export function Articles() {
  const { data, status, error } = useLiveCollection('api::article.article', { sort: 'title', populate: ['category'] });
  if (status === 'pending') return <p>Loading…</p>;
  if (status === 'error') return <p>{error.message}</p>;
  expectTypeOf(data[0]!.title).toEqualTypeOf<string>();
  expectTypeOf(data[0]!.category).toEqualTypeOf<{
    id: number;
    documentId: string;
    name: string;
    slug: string | null;
    createdAt: string | null;
    updatedAt: string | null;
    publishedAt: string | null;
  } | null>();
  return (
    <ul>
      {data.map((a) => (
        <li key={a.documentId}>
          {a.title} {a.category?.name}
        </li>
      ))}
    </ul>
  );
}

export function Article({ id }: { id: string }) {
  const { data: article, status } = useLiveEntity('api::article.article', id, { fields: ['title', 'slug'] });
  useLiveEvent('comment:create', (comment) => expectTypeOf(comment.text).toEqualTypeOf<string>());
  if (status !== 'success') return null;
  expectTypeOf(article).toEqualTypeOf<{ id: number; documentId: string; title: string; slug: string | null } | null>();
  // @ts-expect-error the body was not among `fields`
  void article?.body;
  return article ? <h1>{article.title}</h1> : <p>Gone.</p>;
}

export function Hero({ locale }: { locale: string }) {
  const { data: homepage, status } = useLiveSingle('api::homepage.homepage', { locale });
  if (status !== 'success') return null;
  expectTypeOf(homepage?.headline).toEqualTypeOf<string | undefined>();
  expectTypeOf(homepage?.intro).toEqualTypeOf<string | null | undefined>();
  return homepage ? <h1>{homepage.headline}</h1> : null;
}

export function Typos() {
  // @ts-expect-error a collection type is not a single type
  useLiveSingle('api::article.article');
  // @ts-expect-error not a content type of the app
  useLiveCollection('api::articel.article');
  // @ts-expect-error `tittle` is not an attribute
  useLiveCollection('api::article.article', { filters: { tittle: { $eq: 'x' } } });
  // @ts-expect-error `category` is a relation, not a field
  useLiveEntity('api::article.article', 'x', { fields: ['category'] });
  return null;
}
