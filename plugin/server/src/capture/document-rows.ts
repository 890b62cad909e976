import type { Core } from '@strapi/strapi';
import type { DocumentRow } from './document-change';

/** The rows of one document (of one locale, or of all): which locales have a draft and which a published version. */
export async function readRows(strapi: Core.Strapi, uid: string, documentId: string, locale?: string): Promise<DocumentRow[]> {
  return (await strapi.db.query(uid as never).findMany({
    select: ['id', 'locale', 'publishedAt'],
    where: locale ? { documentId, locale } : { documentId },
  })) as DocumentRow[];
}
