/** Schemas written with Strapi's own attribute types, as `strapi ts:generate-types` writes them. */
import type { Schema, Struct } from '@strapi/strapi';

export interface ApiPagePage extends Struct.CollectionTypeSchema {
  collectionName: 'pages';
  info: { displayName: 'Page'; pluralName: 'pages'; singularName: 'page' };
  options: { draftAndPublish: true };
  attributes: {
    title: Schema.Attribute.String & Schema.Attribute.Required;
    views: Schema.Attribute.Integer;
    rating: Schema.Attribute.Decimal & Schema.Attribute.Required;
    featured: Schema.Attribute.Boolean & Schema.Attribute.Required;
    layout: Schema.Attribute.Enumeration<['wide', 'narrow']> & Schema.Attribute.Required;
    settings: Schema.Attribute.JSON;
    content: Schema.Attribute.Blocks;
    secret: Schema.Attribute.String & Schema.Attribute.Private;
    cover: Schema.Attribute.Media<'images'>;
    gallery: Schema.Attribute.Media<'images' | 'videos', true>;
    seo: Schema.Attribute.Component<'shared.seo', false>;
    links: Schema.Attribute.Component<'shared.link', true>;
    blocks: Schema.Attribute.DynamicZone<['shared.quote', 'shared.link']>;
    author: Schema.Attribute.Relation<'manyToOne', 'api::author.author'>;
    related: Schema.Attribute.Relation<'manyToMany', 'api::page.page'>;
    publishedAt: Schema.Attribute.DateTime;
  };
}

export interface ApiAuthorAuthor extends Struct.CollectionTypeSchema {
  collectionName: 'authors';
  info: { displayName: 'Author'; pluralName: 'authors'; singularName: 'author' };
  options: { draftAndPublish: false };
  attributes: {
    name: Schema.Attribute.String & Schema.Attribute.Required;
    avatar: Schema.Attribute.Media<'images'>;
    pages: Schema.Attribute.Relation<'oneToMany', 'api::page.page'>;
    password: Schema.Attribute.Password;
  };
}

export interface SharedSeo extends Struct.ComponentSchema {
  collectionName: 'components_shared_seos';
  info: { displayName: 'Seo' };
  attributes: {
    metaTitle: Schema.Attribute.String & Schema.Attribute.Required;
    image: Schema.Attribute.Media<'images'>;
  };
}

export interface SharedLink extends Struct.ComponentSchema {
  collectionName: 'components_shared_links';
  info: { displayName: 'Link' };
  attributes: {
    url: Schema.Attribute.String & Schema.Attribute.Required;
    label: Schema.Attribute.String;
  };
}

export interface SharedQuote extends Struct.ComponentSchema {
  collectionName: 'components_shared_quotes';
  info: { displayName: 'Quote' };
  attributes: {
    text: Schema.Attribute.Text & Schema.Attribute.Required;
    author: Schema.Attribute.Relation<'oneToOne', 'api::author.author'>;
  };
}

// Registered with Strapi the way its generated files do it.
declare module '@strapi/strapi' {
  export namespace Public {
    export interface ContentTypeSchemas {
      'api::page.page': ApiPagePage;
      'api::author.author': ApiAuthorAuthor;
    }
    export interface ComponentSchemas {
      'shared.seo': SharedSeo;
      'shared.link': SharedLink;
      'shared.quote': SharedQuote;
    }
  }
}
