import { useCallback, useEffect, useState } from 'react';
import { isFetchError, useFetchClient } from '@strapi/strapi/admin';
import type { Settings, SettingsInput, ValidationErrorBody } from '../contract';
import type { ServerFieldError } from './settings-form';

export type SettingsLoad = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; settings: Settings };

export type SaveResult =
  | { ok: true; settings: Settings }
  /** `errors` holds the ValidationError's field entries; empty for any other refusal. */
  | { ok: false; message: string; errors: ServerFieldError[] };

const SETTINGS_ROUTE = '/io/settings';

const messageOf = (error: unknown) => (isFetchError(error) ? (error.response?.data.error.message ?? error.message) : String(error));

/** The effective settings (GET) and their save (PUT) on the plugin's admin API. */
export function useSettings() {
  const { get, put } = useFetchClient();
  const [load, setLoad] = useState<SettingsLoad>({ status: 'loading' });

  useEffect(() => {
    let current = true;
    get<{ data: Settings }>(SETTINGS_ROUTE)
      .then(({ data }) => current && setLoad({ status: 'ready', settings: data.data }))
      .catch((error: unknown) => current && setLoad({ status: 'error', message: messageOf(error) }));
    return () => {
      current = false;
    };
    // Loaded once per visit: `get` is a new function on every render and must not refetch.
  }, []);

  const save = useCallback(
    async (input: SettingsInput): Promise<SaveResult> => {
      try {
        const { data } = await put<{ data: Settings }>(SETTINGS_ROUTE, input);
        setLoad({ status: 'ready', settings: data.data });
        return { ok: true, settings: data.data };
      } catch (error) {
        const body = isFetchError(error) ? (error.response?.data as Partial<ValidationErrorBody> | undefined) : undefined;
        const errors = body?.error?.name === 'ValidationError' ? (body.error.details?.errors ?? []) : [];
        return { ok: false, message: messageOf(error), errors };
      }
    },
    [put],
  );

  return { load, save };
}
