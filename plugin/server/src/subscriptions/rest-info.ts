import type { Core } from '@strapi/strapi';
import type { RestInfo } from '@strapi-live/client/protocol';
import type { WatchedType } from '../delivery/content-types';

/** Where and how a client reads a watched type over REST: sent with every subscribe acknowledgement. */
export function restInfoOf(strapi: Core.Strapi, type: WatchedType): RestInfo {
  const prefix = (strapi.config.get('api.rest.prefix', '/api') as string).replace(/\/$/, '');
  const name = type.kind === 'singleType' ? type.singularName : type.pluralName;
  return {
    path: `${prefix}/${name}`,
    singularName: type.singularName,
    pluralName: type.pluralName,
    kind: type.kind,
    draftAndPublish: type.draftAndPublish,
    localized: type.localized,
    ...(type.populate !== undefined ? { populate: type.populate } : {}),
  };
}
