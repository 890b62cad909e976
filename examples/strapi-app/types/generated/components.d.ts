import type { Schema, Struct } from '@strapi/strapi';

export interface PageLink extends Struct.ComponentSchema {
  collectionName: 'components_page_links';
  info: {
    description: 'A labelled link (repeatable on a page)';
    displayName: 'Link';
  };
  attributes: {
    label: Schema.Attribute.String & Schema.Attribute.Required;
    url: Schema.Attribute.String & Schema.Attribute.Required;
  };
}

export interface PageQuote extends Struct.ComponentSchema {
  collectionName: 'components_page_quotes';
  info: {
    description: 'A quotation and who said it (dynamic zone)';
    displayName: 'Quote';
  };
  attributes: {
    by: Schema.Attribute.String;
    text: Schema.Attribute.Text & Schema.Attribute.Required;
  };
}

export interface PageRichText extends Struct.ComponentSchema {
  collectionName: 'components_page_rich_texts';
  info: {
    description: 'A section of prose (dynamic zone)';
    displayName: 'Rich text';
  };
  attributes: {
    body: Schema.Attribute.RichText;
  };
}

declare module '@strapi/strapi' {
  export namespace Public {
    export interface ComponentSchemas {
      'page.link': PageLink;
      'page.quote': PageQuote;
      'page.rich-text': PageRichText;
    }
  }
}
