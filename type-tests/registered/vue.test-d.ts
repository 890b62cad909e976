/** The Vue composables infer documents from the registered schema; arguments may be refs or getters. */
import { ref } from 'vue';
import { expectTypeOf } from 'vitest';
import { useLiveCollection, useLiveEntity, useLiveEvent, useLiveSingle } from '@strapi-live/vue';

const category = ref('news');
const { data, status, result } = useLiveCollection('api::article.article', () => ({
  filters: { category: { slug: { $eq: category.value } } },
  populate: ['category'],
}));
expectTypeOf(status.value).toEqualTypeOf<'pending' | 'success' | 'error'>();
if (data.value) expectTypeOf(data.value[0]!.category!.name).toEqualTypeOf<string>();
if (result.value.status === 'success') expectTypeOf(result.value.data[0]!.title).toEqualTypeOf<string>();

const id = ref('abc');
const { data: article } = useLiveEntity('api::article.article', id);
if (article.value) expectTypeOf(article.value.title).toEqualTypeOf<string>();
// @ts-expect-error not populated
void article.value?.category;

useLiveEvent('article:delete', (deleted) => expectTypeOf(deleted.documentId).toEqualTypeOf<string>());
// @ts-expect-error not a content type of the app
useLiveCollection('api::nope.nope');

const locale = ref('fr');
const { data: homepage } = useLiveSingle('api::homepage.homepage', () => ({ locale: locale.value }));
if (homepage.value) expectTypeOf(homepage.value.headline).toEqualTypeOf<string>();
expectTypeOf(homepage.value).toBeNullable();
// @ts-expect-error a collection type is not a single type
useLiveSingle('api::article.article');
