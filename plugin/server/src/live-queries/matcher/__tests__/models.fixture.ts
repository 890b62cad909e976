import type { ModelInfo, ModelLookup } from '../../model-info';

/** The example app's types, plus one with every scalar kind, as `modelsOf(strapi)` describes them. */
const MODELS: Record<string, ModelInfo> = {
  'api::article.article': {
    uid: 'api::article.article',
    draftAndPublish: true,
    attributes: {
      title: { type: 'string' },
      slug: { type: 'uid' },
      body: { type: 'text' },
      category: { type: 'relation', target: 'api::category.category', many: false },
      createdAt: { type: 'datetime' },
      publishedAt: { type: 'datetime' },
      locale: { type: 'string' },
    },
  },
  'api::category.category': {
    uid: 'api::category.category',
    draftAndPublish: false,
    attributes: {
      name: { type: 'string' },
      slug: { type: 'uid' },
      articles: { type: 'relation', target: 'api::article.article', many: true },
    },
  },
  'api::comment.comment': {
    uid: 'api::comment.comment',
    draftAndPublish: false,
    attributes: {
      text: { type: 'text' },
      article: { type: 'relation', target: 'api::article.article', many: false },
    },
  },
  'api::thing.thing': {
    uid: 'api::thing.thing',
    draftAndPublish: false,
    attributes: {
      label: { type: 'string' },
      count: { type: 'integer' },
      big: { type: 'biginteger' },
      ratio: { type: 'float' },
      price: { type: 'decimal' },
      flag: { type: 'boolean' },
      day: { type: 'date' },
      clock: { type: 'time' },
      moment: { type: 'datetime' },
      stamp: { type: 'timestamp' },
      level: { type: 'enumeration', enum: ['low', 'high'] },
      data: { type: 'json' },
      secret: { type: 'password' },
      parts: { type: 'component', component: 'shared.part', many: true },
      owner: { type: 'relation', target: 'api::category.category', many: false },
    },
  },
  'shared.part': { uid: 'shared.part', attributes: { name: { type: 'string' } } },
};

export const models: ModelLookup = (uid) => MODELS[uid];
