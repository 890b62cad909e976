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

/**
 * The configured content types, checked against Strapi's registry: every uid must exist and no two
 * may share a singularName, since events are named `<singularName>:<action>`.
 */
export function resolveWatchedTypes(strapi: Core.Strapi, config: ResolvedConfig): Map<string, WatchedType> {
  const watched = new Map<string, WatchedType>();
  const bySingular = new Map<string, string>();
  config.contentTypes.forEach((settings, i) => {
    const model = strapi.contentTypes[settings.uid as keyof typeof strapi.contentTypes] as
      | { kind?: string; info: { singularName: string; pluralName: string }; options?: { draftAndPublish?: boolean }; pluginOptions?: { i18n?: { localized?: boolean } } }
      | undefined;
    if (!model) {
      const known = Object.keys(strapi.contentTypes).filter((uid) => uid.startsWith('api::'));
      throw new Error(
        `Error regarding io config: "contentTypes[${i}].uid" must be a content type of this app (got "${settings.uid}"; api content types: ${known.join(', ') || 'none'})`,
      );
    }
    const { singularName, pluralName } = model.info;
    const clash = bySingular.get(singularName);
    if (clash) {
      throw new Error(
        `Error regarding io config: "${clash}" and "${settings.uid}" both have singularName "${singularName}", so their events would collide; watch only one of them`,
      );
    }
    bySingular.set(singularName, settings.uid);
    watched.set(settings.uid, {
      ...settings,
      singularName,
      pluralName,
      kind: model.kind === 'singleType' ? 'singleType' : 'collectionType',
      draftAndPublish: model.options?.draftAndPublish === true,
      localized: model.pluginOptions?.i18n?.localized === true,
    });
  });
  return watched;
}

/**
 * Every configured `populate`, checked against its type's schema: first by our own walk, whose
 * message names the key and the type, then by Strapi's REST populate validator and query converter
 * (what each event's read goes through), so that nothing Strapi would refuse at event time boots.
 * Runs after {@link resolveWatchedTypes}, so every uid exists.
 */
export async function assertPopulatesMatchSchemas(strapi: Core.Strapi, config: ResolvedConfig): Promise<void> {
  const getModel = (uid: string) => strapi.getModel(uid as never) as unknown as Schema | undefined;
  const privateAttributes = strapi.config.get('api.responses.privateAttributes', []) as string[];
  for (const [i, { uid, populate }] of config.contentTypes.entries()) {
    if (populate === undefined) continue;
    const key = `contentTypes[${i}].populate`;
    try {
      checkPopulate(populate, uid, { getModel, privateAttributes }, key);
    } catch (error) {
      if (error instanceof ConfigError) throw new Error(`Error regarding io config: ${error.message}`);
      throw error;
    }
    try {
      await strapi.contentAPI.validate.populate(populate as never, strapi.getModel(uid as never) as never);
      strapi.get('query-params').transform(uid, { populate });
    } catch (error) {
      throw new Error(`Error regarding io config: "${key}" is refused by Strapi for ${uid}: ${(error as Error).message}`);
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
