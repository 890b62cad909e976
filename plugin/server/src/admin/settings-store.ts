import type { Core } from '@strapi/strapi';
import type { ContentAction } from '@strapi-live/client/protocol';
import type { PopulateConfig } from '../config/types';
import { isPlainObject } from '../config/validate-config';
import type { LimitSettings } from './contract';

/** What the settings page saved for one content type: all three, whatever the page sent. */
export interface ContentTypeOverride {
  enabled: boolean;
  actions: ContentAction[];
  /** null: no populate. */
  populate: PopulateConfig | null;
}

/**
 * What the settings page saved, over the file config: only what differs from it (a value equal to
 * the file's is not kept, so the file stays its source and a later change of the file applies).
 */
export interface StoredSettings {
  contentTypes?: Record<string, ContentTypeOverride>;
  security?: { requireAuthentication?: boolean };
  limits?: Partial<LimitSettings>;
}

/** The limits the page edits; the other limits need a restart. */
export const EDITABLE_LIMITS = ['messagesPerSecond', 'messageBurst', 'maxSubscriptionsPerSocket', 'connectionsPerIp', 'liveQueriesPerPrincipal'] as const;
export type EditableLimit = (typeof EDITABLE_LIMITS)[number];

const KEY = 'settings';

/** The plugin store entry (`strapi.store({ type: 'plugin', name: 'io' })`, key `settings`). */
export function createSettingsStore(strapi: Core.Strapi) {
  const store = () => strapi.store({ type: 'plugin', name: 'io' });
  return {
    /** What was saved, or nothing; its content is checked by the caller like any input. */
    async read(): Promise<StoredSettings> {
      const value = (await store().get({ key: KEY })) as unknown;
      return isPlainObject(value) ? (value as StoredSettings) : {};
    },

    async write(settings: StoredSettings): Promise<void> {
      await store().set({ key: KEY, value: settings });
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
