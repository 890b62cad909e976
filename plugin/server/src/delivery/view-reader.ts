import type { Core } from '@strapi/strapi';
import type { DocumentStatus, StrapiDocument } from '@strapi-live/client/protocol';
import type { AccessControl } from '../auth/access-control';
import type { WatchedType } from './content-types';

/**
 * One document in one view, read at most once (with the configured populate, as REST reads it) and
 * sanitized at most once per principal group, however many emits need it.
 */
export function createViewReader({
  strapi,
  access,
  type,
  documentId,
  locale,
  status,
  stats,
}: {
  strapi: Core.Strapi;
  access: AccessControl;
  type: WatchedType;
  documentId: string;
  locale: string | null;
  status: DocumentStatus;
  stats: { sanitized: number };
}) {
  let read: Promise<StrapiDocument | null> | undefined;
  const sanitized = new Map<string, Promise<StrapiDocument | undefined>>();

  const document = () =>
    (read ??= strapi.documents(type.uid as never).findOne({
      documentId,
      ...(locale ? { locale } : {}),
      ...(type.draftAndPublish ? { status } : {}),
      ...(type.populate !== undefined ? { populate: type.populate } : {}),
    } as never) as Promise<StrapiDocument | null>);

  return {
    /** The document as this group may read it; undefined when it is gone again (a later change reports that). */
    forGroup(groupKey: string): Promise<StrapiDocument | undefined> {
      let result = sanitized.get(groupKey);
      if (!result) {
        result = document().then(async (doc) => {
          if (!doc) return undefined;
          stats.sanitized += 1;
          return access.sanitize(groupKey, type.uid, doc);
        });
        sanitized.set(groupKey, result);
      }
      return result;
    },
  };
}
