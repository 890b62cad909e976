import type { Core } from '@strapi/strapi';
import type { ResolvedConfig } from '../config/types';
import { isPlainObject } from '../config/validate-config';
import { assertPopulatesMatchSchemas, resolveWatchedTypes } from '../delivery/content-types';
import type { FieldError, Settings } from './contract';
import { applySettings } from './settings-apply';
import type { LiveSettings } from './settings-apply';
import { mergeSettings, settingsView } from './settings-model';
import type { FileSettings } from './settings-model';
import { createSettingsStore } from './settings-store';
import type { StoredSettings } from './settings-store';
import { checkSettingsInput } from './settings-validate';

export type SaveResult = { ok: true; settings: Settings } | { ok: false; errors: FieldError[] };

/** A stored record in the shape `PUT /io/settings` takes, to be checked like one (whatever the store holds). */
const asInput = (stored: StoredSettings): Record<string, unknown> => ({
  ...(stored.contentTypes !== undefined
    ? { contentTypes: isPlainObject(stored.contentTypes) ? Object.entries(stored.contentTypes).map(([uid, override]) => (isPlainObject(override) ? { ...override, uid } : override)) : stored.contentTypes }
    : {}),
  ...(stored.security !== undefined ? { security: stored.security } : {}),
  ...(stored.limits !== undefined ? { limits: stored.limits } : {}),
});

/**
 * The plugin's settings: the file config (checked alone first, so its errors name its own keys
 * and stop start-up as before), with what the settings page saved over it. `config` is the object
 * the running plugin reads for good: saves change it in place (see settings-apply.ts).
 *
 * Used like this (internal wiring, not a public API):
 * const settings = await loadSettings(strapi, readConfig(strapi));
 * const config = settings.config; // file + page, validated like the file
 * // ...once the runtime exists:
 * settings.attach({ io, watched, delivery, queries }, () => bus.publishSettings());
 */
export async function loadSettings(strapi: Core.Strapi, fileConfig: ResolvedConfig) {
  resolveWatchedTypes(strapi, fileConfig);
  await assertPopulatesMatchSchemas(strapi, fileConfig);
  const file: FileSettings = { raw: (strapi.config.get('plugin::io') ?? {}) as Record<string, unknown>, config: fileConfig };
  const store = createSettingsStore(strapi);

  /**
   * What was saved, checked like a save against the file alone: a type deleted from the app since,
   * or a populate its schema no longer allows, is left out with a warning rather than stopping
   * start-up (an administrator could not reach the page to fix it).
   */
  async function readStored(): Promise<StoredSettings> {
    let input = asInput(await store.read());
    for (let attempt = 0; attempt < 2; attempt++) {
      const checked = await checkSettingsInput(strapi, file, {}, fileConfig, input);
      if (checked.ok) return checked.stored;
      for (const { path, message } of checked.errors) strapi.log.warn(`[io] ignored a saved setting (${path.join('.') || 'all'}): ${message}`);
      input = withoutErrors(input, checked.errors);
    }
    strapi.log.warn('[io] ignored the saved settings: they do not fit the file config; save them again on the settings page');
    return {};
  }

  let stored = await readStored();
  const config = mergeSettings(file, stored);
  let live: LiveSettings | undefined;
  let publish = () => {};
  let attached: () => void = () => {};
  const ready = new Promise<void>((resolve) => (attached = resolve));

  // One change at a time on this node: a save's check, write and apply are not interleaved with another's.
  let queue: Promise<unknown> = Promise.resolve();
  function serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work);
    queue = run.catch(() => {});
    return run;
  }

  const settings = {
    /** The effective configuration, the object the runtime reads (changed in place by saves). */
    config,

    /** Connects the running plugin: from now on saves apply at once, and `publish` tells the other nodes. */
    attach(runtime: Omit<LiveSettings, 'config'>, publishSaved: () => void): void {
      live = { ...runtime, config };
      publish = publishSaved;
      attached();
    },

    /** What the settings page shows. */
    view(): Settings {
      return settingsView(strapi, file, stored, config);
    },

    /** Checks, saves and applies a `PUT /io/settings` body; nothing is saved or applied when it is refused. */
    save(input: unknown): Promise<SaveResult> {
      return serialize(async (): Promise<SaveResult> => {
        await ready;
        const checked = await checkSettingsInput(strapi, file, stored, config, input);
        if (!checked.ok) return checked;
        await store.write(checked.stored);
        stored = checked.stored;
        await applySettings(live!, checked.config, checked.watched);
        publish();
        return { ok: true, settings: settings.view() };
      });
    },

    /** Another node saved: read the store again and apply it here (never rejects: failures are logged). */
    reload(): Promise<void> {
      return serialize(async () => {
        await ready;
        stored = await readStored();
        const next = mergeSettings(file, stored);
        await applySettings(live!, next, resolveWatchedTypes(strapi, next));
      }).catch((error: Error) => {
        strapi.log.error(`[io] applying settings saved on another node failed: ${error.stack ?? error}`);
      });
    },
  };
  return settings;
}

export type SettingsService = Awaited<ReturnType<typeof loadSettings>>;

/** The input without the parts the errors point at (a whole section when the error names no entry). */
function withoutErrors(input: Record<string, unknown>, errors: FieldError[]): Record<string, unknown> {
  const result: Record<string, unknown> = { ...input };
  const dropTypes = new Set<number>();
  for (const { path } of errors) {
    const [section, key] = path;
    if (section === undefined || !(section in result)) return {};
    if (section === 'contentTypes' && key !== undefined && /^\d+$/.test(key)) dropTypes.add(Number(key));
    else if ((section === 'security' || section === 'limits') && key !== undefined && typeof result[section] === 'object' && result[section] !== null) {
      const { [key]: _dropped, ...rest } = result[section] as Record<string, unknown>;
      result[section] = rest;
    } else delete result[section];
  }
  if (dropTypes.size > 0 && Array.isArray(result.contentTypes)) result.contentTypes = (result.contentTypes as unknown[]).filter((_entry, i) => !dropTypes.has(i));
  return result;
}
