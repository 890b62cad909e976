import type { Core } from '@strapi/strapi';
import type { ContentTypeSettings, ResolvedConfig } from '../config/types';
import { ConfigError } from '../config/validate-config';
import { checkPopulate } from '../config/validate-populate';
import type { Schema } from '../config/validate-populate';
import { AckError } from '../socket/ack';

export interface WatchedType extends ContentTypeSettings {
  singularName: string;
  pluralName: string;
  kind: 'collectionType' | 'singleType';
  draftAndPublish: boolean;
  localized: boolean;
}

type ModelInfo = {
  kind?: string;
  info: { singularName: string; pluralName: string; displayName?: string };
  options?: { draftAndPublish?: boolean };
  pluginOptions?: { i18n?: { localized?: boolean } };
};

/** What the registry says of a content type events can be sent for; undefined when `uid` is not one. */
export function typeInfo(strapi: Core.Strapi, uid: string): (Omit<WatchedType, keyof ContentTypeSettings> & { displayName: string }) | undefined {
  // An own key only: a uid like `constructor` is no content type.
  if (!Object.prototype.hasOwnProperty.call(strapi.contentTypes, uid)) return undefined;
  const model = strapi.contentTypes[uid as keyof typeof strapi.contentTypes] as ModelInfo | undefined;
  if (!model) return undefined;
  const { singularName, pluralName, displayName } = model.info;
  return {
    singularName,
    pluralName,
    displayName: displayName ?? singularName,
    kind: model.kind === 'singleType' ? 'singleType' : 'collectionType',
    draftAndPublish: model.options?.draftAndPublish === true,
    localized: model.pluginOptions?.i18n?.localized === true,
  };
}

/**
 * The configured content types, checked against Strapi's registry: every uid must exist and no two
 * may share a singularName, since events are named `<singularName>:<action>`.
 */
export function resolveWatchedTypes(strapi: Core.Strapi, config: Pick<ResolvedConfig, 'contentTypes'>): Map<string, WatchedType> {
  const watched = new Map<string, WatchedType>();
  const bySingular = new Map<string, string>();
  config.contentTypes.forEach((settings, i) => {
    const info = typeInfo(strapi, settings.uid);
    if (!info) {
      const known = Object.keys(strapi.contentTypes).filter((uid) => uid.startsWith('api::'));
      throw new Error(
        `Error regarding io config: "contentTypes[${i}].uid" must be a content type of this app (got "${settings.uid}"; api content types: ${known.join(', ') || 'none'})`,
      );
    }
    const { displayName: _shown, ...type } = info;
    const clash = bySingular.get(type.singularName);
    if (clash) {
      throw new Error(
        `Error regarding io config: "${clash}" and "${settings.uid}" both have singularName "${type.singularName}", so their events would collide; watch only one of them`,
      );
    }
    bySingular.set(type.singularName, settings.uid);
    watched.set(settings.uid, { ...settings, ...type });
  });
  return watched;
}

/**
 * One type's `populate`, checked against its schema: first by our own walk, whose message names
 * the key and the type, then by Strapi's REST populate validator and query converter (what each
 * event's read goes through), so that nothing Strapi would refuse at event time is accepted.
 * Throws a `ConfigError` naming `key`. The file config (at start-up) and the settings page (at
 * save) both go through here.
 */
export async function checkTypePopulate(strapi: Core.Strapi, uid: string, populate: unknown, key: string): Promise<void> {
  const getModel = (model: string) => strapi.getModel(model as never) as unknown as Schema | undefined;
  const privateAttributes = strapi.config.get('api.responses.privateAttributes', []) as string[];
  checkPopulate(populate, uid, { getModel, privateAttributes }, key);
  try {
    await strapi.contentAPI.validate.populate(populate as never, strapi.getModel(uid as never) as never);
    strapi.get('query-params').transform(uid, { populate });
  } catch (error) {
    throw new ConfigError(`"${key}" is refused by Strapi for ${uid}: ${(error as Error).message}`);
  }
}

/**
 * Every configured `populate`, checked by {@link checkTypePopulate}. Runs after
 * {@link resolveWatchedTypes}, so every uid exists.
 */
export async function assertPopulatesMatchSchemas(strapi: Core.Strapi, config: Pick<ResolvedConfig, 'contentTypes'>): Promise<void> {
  for (const [i, { uid, populate }] of config.contentTypes.entries()) {
    if (populate === undefined) continue;
    try {
      await checkTypePopulate(strapi, uid, populate, `contentTypes[${i}].populate`);
    } catch (error) {
      if (error instanceof ConfigError) throw new Error(`Error regarding io config: ${error.message}`);
      throw error;
    }
  }
}

/** The watched type of `uid`, or the error a client gets for a type that sends no events. */
export function watchedTypeOf(watched: Map<string, WatchedType>, uid: string): WatchedType {
  const type = watched.get(uid);
  if (!type) {
    // Never what exists: the list of enabled types is the app's business, not the client's.
    throw new AckError('UNKNOWN_CONTENT_TYPE', `${uid.slice(0, 200)} does not send real-time events (see contentTypes in the io plugin's config)`);
  }
  return type;
}
