import { beforeAll, describe, expect, it } from 'vitest';
import { queryParams, validate } from '@strapi/utils';
import { useExampleApp } from 'example-strapi-app/testing';
import type { ExampleApp } from 'example-strapi-app/testing';
import { validateConfig } from '../config/validate-config';
import { checkPopulate } from '../config/validate-populate';
import { assertPopulatesMatchSchemas } from '../delivery/content-types';
import type { PopulateSchemaContext, Schema } from '../config/validate-populate';

const ARTICLE = 'api::article.article';
const PAGE = 'api::page.page';

/**
 * The example app has no media, component or dynamic zone, so a page type with all of them sits
 * beside the app's real schemas (article, category, users-permissions user, upload file).
 */
const EXTRA: Record<string, Schema> = {
  [PAGE]: {
    uid: PAGE,
    modelType: 'contentType',
    attributes: {
      title: { type: 'string' },
      cover: { type: 'media' },
      seo: { type: 'component', component: 'shared.seo' },
      blocks: { type: 'dynamiczone', components: ['shared.quote', 'shared.gallery'] },
      article: { type: 'relation', relation: 'manyToOne', target: ARTICLE },
      secret: { type: 'relation', relation: 'manyToOne', target: ARTICLE, private: true },
      related: { type: 'relation', relation: 'morphToMany' },
    },
  },
  'shared.seo': {
    uid: 'shared.seo',
    modelType: 'component',
    attributes: { metaTitle: { type: 'string' }, image: { type: 'media' }, article: { type: 'relation', relation: 'oneToOne', target: ARTICLE } },
  },
  'shared.quote': {
    uid: 'shared.quote',
    modelType: 'component',
    attributes: { text: { type: 'string' }, author: { type: 'relation', relation: 'oneToOne', target: 'plugin::users-permissions.user' } },
  },
  'shared.gallery': { uid: 'shared.gallery', modelType: 'component', attributes: { images: { type: 'media' } } },
  'shared.other': { uid: 'shared.other', modelType: 'component', attributes: { x: { type: 'string' } } },
};

const example = useExampleApp({ seed: false, ioConfig: { contentTypes: [ARTICLE] } });
let app: ExampleApp;
let context: PopulateSchemaContext;

beforeAll(() => {
  app = example.app;
  context = { getModel: (uid) => EXTRA[uid] ?? (app.strapi.getModel(uid as never) as unknown as Schema | undefined) };
});

const check = (populate: unknown, uid = PAGE) => () => checkPopulate(populate, uid, context, 'contentTypes[1].populate');

/** What Strapi itself says: its REST populate validator, then the query converter each event's read uses. */
async function strapiAccepts(populate: unknown, uid = PAGE): Promise<boolean> {
  const getModel = context.getModel as never;
  try {
    await validate.createAPIValidators({ getModel }).populate(populate as never, context.getModel(uid) as never);
    queryParams.createTransformer({ getModel }).transformQueryParams(uid as never, { populate } as never);
    return true;
  } catch {
    return false;
  }
}

describe('checkPopulate against real schemas', () => {
  it('names the key, the name and the type for a name the type does not have', () => {
    expect(check(['category', 'writer'], ARTICLE)).toThrow(
      '"contentTypes[1].populate" names "writer", which is not a relation, media, component or dynamic zone of api::article.article (it can populate: category, author',
    );
  });

  it('refuses a scalar field, as REST refuses ?populate=title', async () => {
    expect(check('title', ARTICLE)).toThrow(
      '"contentTypes[1].populate" names "title", which is not a relation, media, component or dynamic zone of api::article.article; it is a string field, and fields are always sent',
    );
    const response = await fetch(`${app.url}/api/articles?populate=title`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('Invalid key title');
    expect((await fetch(`${app.url}/api/articles?populate=writer`)).status).toBe(400);
    expect((await fetch(`${app.url}/api/articles?populate=category`)).status).toBe(200);
  });

  it('names the path inside the object form and the type it was looked up in', () => {
    expect(check({ category: { populate: { nope: true } } }, ARTICLE)).toThrow(
      '"contentTypes[1].populate.category.populate" names "nope", which is not a relation, media, component or dynamic zone of api::category.category',
    );
    expect(check('category.nope', ARTICLE)).toThrow('"contentTypes[1].populate" names "category.nope", whose "nope" is not a relation, media, component or dynamic zone of api::category.category');
    expect(check({ category: { fields: ['name', 'nope'] } }, ARTICLE)).toThrow('"contentTypes[1].populate.category.fields" names "nope", which is not a field of api::category.category');
    expect(check({ category: { limit: 2 } }, ARTICLE)).toThrow('"contentTypes[1].populate.category.limit" is not a populate option');
  });

  it('refuses true and false, which Strapi cannot convert', () => {
    expect(check(true, ARTICLE)).toThrow(/"contentTypes\[1\]\.populate" must be '\*', a name, an array of names or an object \(got boolean true\)/);
    expect(check({ category: { populate: false } }, ARTICLE)).toThrow('"contentTypes[1].populate.category.populate" must be');
  });

  it('walks components, dynamic zones with on, media and polymorphic relations', () => {
    expect(check({ blocks: { on: { 'shared.other': true } } })).toThrow(
      '"contentTypes[1].populate.blocks.on.shared.other" names shared.other, which the dynamic zone "blocks" of api::page.page does not allow (components: shared.quote, shared.gallery)',
    );
    expect(check({ blocks: { on: { 'shared.quote': { populate: { text: true } } } } })).toThrow(
      '"contentTypes[1].populate.blocks.on.shared.quote.populate" names "text", which is not a relation, media, component or dynamic zone of shared.quote',
    );
    expect(check('cover.name')).toThrow('a dot path cannot go into media "cover" of api::page.page');
    expect(check({ article: { on: { [ARTICLE]: true } } })).toThrow('fragments (on) are for dynamic zones and polymorphic relations');
    expect(check('secret')).toThrow('"contentTypes[1].populate" names "secret", which is private in api::page.page');
  });

  // Each case: what the walk says, and whether Strapi's own validator and converter agree.
  const OK = null;
  it.each<[string, unknown, string | null]>([
    ['*', '*', OK],
    ['a relation', 'article', OK],
    ['a comma string', 'article, cover ,seo', OK],
    ['an array', ['article', 'blocks'], OK],
    ['an empty array', [], OK],
    ['an empty object', {}, OK],
    ['a dot path through a relation', 'article.category', OK],
    ['a dot path through a component', 'seo.image', OK],
    ['a dot path through a dynamic zone', 'blocks.author', OK],
    ['a dot path into media', 'cover.name', 'cannot go into media'],
    ['a dot path to a component field', 'seo.metaTitle', 'whose "metaTitle" is not a relation'],
    ['a dot path into a dynamic zone with an unknown name', 'blocks.nope', 'no component of the dynamic zone "blocks"'],
    ["'*' among names", 'article,*', "lists '*' among names"],
    ['a scalar', 'title', 'which is not a relation'],
    ['an unknown name', 'nope', 'which is not a relation'],
    ['a private relation', 'secret', 'is private'],
    ['true', true, "must be '*'"],
    ['an array with a number', ['article', 3], 'must be a name'],
    ['{ relation: true }', { article: true }, OK],
    ['{ relation: false }', { article: false }, OK],
    ["{ relation: 'true' }", { article: 'true' }, OK],
    ["{ relation: '*' }", { article: '*' }, OK],
    ["{ relation: 'name' }", { article: 'title' }, 'must be true'],
    ['{ relation: [] }', { article: [] }, 'must be true'],
    ['{ scalar: true }', { title: true }, 'which is not a relation'],
    ['{ unknown: true }', { nope: true }, 'which is not a relation'],
    ['a nested query', { article: { fields: ['title'], populate: { category: { fields: 'name' } }, filters: { title: { $eq: 'x' } }, sort: 'title', count: false } }, OK],
    ['nested fields naming id and documentId', { article: { fields: ['title', 'id', 'documentId'] } }, OK],
    ['nested fields naming a relation', { article: { fields: ['category'] } }, 'not a field'],
    ['nested fields naming a private field', { article: { fields: ['internalNotes'] } }, 'is private'],
    ["nested populate '*'", { article: { populate: '*' } }, OK],
    ['nested populate true', { article: { populate: true } }, "must be '*'"],
    ['an unknown nested option', { article: { whatever: 1 } }, 'is not a populate option'],
    ['a component with populate', { seo: { populate: ['image', 'article'] } }, OK],
    ['a component populating its scalar', { seo: { populate: { metaTitle: true } } }, 'which is not a relation'],
    ['media with fields', { cover: { fields: ['name'] } }, OK],
    ['media true', { cover: true }, OK],
    ['a dynamic zone true', { blocks: true }, OK],
    ["a dynamic zone '*'", { blocks: '*' }, 'for the dynamic zone'],
    ["a dynamic zone with populate '*'", { blocks: { populate: '*' } }, OK],
    ['a dynamic zone with a named populate', { blocks: { populate: 'author' } }, "must be '*'"],
    ['a dynamic zone with on', { blocks: { on: { 'shared.quote': { populate: ['author'] }, 'shared.gallery': true } } }, OK],
    ['a dynamic zone with count', { blocks: { count: true } }, OK],
    ['a dynamic zone fragment with an unknown option', { blocks: { on: { 'shared.quote': { nope: 1 } } } }, 'is not a populate option'],
    ['a dynamic zone fragment with a scalar', { blocks: { on: { 'shared.quote': { populate: { text: true } } } } }, 'which is not a relation'],
    ['a dynamic zone with an unknown option', { blocks: { fields: ['x'] } }, 'use on, populate'],
    ['a fragment on a relation', { article: { on: { [ARTICLE]: true } } }, 'fragments (on)'],
    ['a morph-to relation with on', { related: { on: { [ARTICLE]: { fields: ['title'] } } } }, OK],
    ['a dot path into a morph-to relation', 'related.title', 'polymorphic relation'],
  ])('%s: %j', async (_, populate, refusal) => {
    if (refusal === OK) expect(check(populate)).not.toThrow();
    else expect(check(populate)).toThrow(refusal);
    expect(await strapiAccepts(populate)).toBe(refusal === OK);
  });

  it('refuses a sort of populated documents by a related field, which Strapi accepts and then cannot read', async () => {
    for (const sort of ['category.name:desc', ['title', 'category.name'], { category: { name: 'desc' } }, [{ 'category.name': 'asc' }]]) {
      const populate = { article: { sort } };
      expect(check(populate)).toThrow('"contentTypes[1].populate.article.sort" sorts by "category');
    }
    // The path form passes Strapi's validator, and then its reads fail.
    expect(await strapiAccepts({ article: { sort: 'category.name:desc' } })).toBe(true);
    expect(check({ article: { sort: ['title:desc', { id: 'asc' }] } })).not.toThrow();
  });

  it('is stricter than Strapi for a fragment the dynamic zone does not allow, which Strapi ignores silently', async () => {
    const populate = { blocks: { on: { 'shared.other': true } } };
    expect(check(populate)).toThrow('does not allow');
    expect(await strapiAccepts(populate)).toBe(true);
  });
});

describe('assertPopulatesMatchSchemas (bootstrap)', () => {
  const run = (populate: unknown) => assertPopulatesMatchSchemas(app.strapi, validateConfig({ contentTypes: ['api::category.category', { uid: ARTICLE, populate }] }));

  it('accepts what REST accepts', async () => {
    await expect(run('*')).resolves.toBeUndefined();
    await expect(run(['category'])).resolves.toBeUndefined();
    await expect(run({ category: { fields: ['name'], filters: { name: { $eq: 'News' } }, populate: { articles: { fields: ['title'] } } } })).resolves.toBeUndefined();
  });

  it("fails start-up with the walk's message", async () => {
    await expect(run('writer')).rejects.toThrow('Error regarding io config: "contentTypes[1].populate" names "writer", which is not a relation');
  });

  it("fails start-up with Strapi's own message for what only Strapi checks (filters, sort)", async () => {
    await expect(run({ category: { filters: { nope: { $eq: 1 } } } })).rejects.toThrow(
      'Error regarding io config: "contentTypes[1].populate" is refused by Strapi for api::article.article: Invalid key nope',
    );
  });
});
