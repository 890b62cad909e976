import type { Core } from '@strapi/strapi';

type Data = Record<string, unknown>;
type Locale = { locale?: string };

/**
 * Writes the way an editor in the admin panel does: through the content manager's admin HTTP API,
 * with the access token `POST /admin/login` gives a super admin. So the writes go through the same
 * controllers, permission checks and transactions as the admin's Save and Publish buttons, not
 * through REST or the Document Service. The administrator is created by the admin's own user
 * service (as an accepted invitation: no registration token, active, super admin role).
 */
export async function loginAsEditor(strapi: Core.Strapi, url: string) {
  const email = `editor-${Date.now().toString(36)}@example.com`;
  const password = 'Editor-password-1';
  const superAdmin = (await strapi.service('admin::role').getSuperAdmin()) as { id: number };
  await strapi.service('admin::user').create({ firstname: 'Eddie', lastname: 'Tor', email, password, registrationToken: null, isActive: true, roles: [superAdmin.id] });

  async function call(method: string, route: string, body: unknown, token?: string): Promise<Data> {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
    return JSON.parse(text) as Data;
  }

  const { data } = (await call('POST', '/admin/login', { email, password })) as { data: { token: string } };
  const send = (method: string, route: string, body: Data | undefined, { locale }: Locale) =>
    call(method, `/content-manager/${route}${locale ? `?locale=${encodeURIComponent(locale)}` : ''}`, body, data.token);
  const collection = (uid: string, documentId: string) => `collection-types/${uid}/${encodeURIComponent(documentId)}`;

  return {
    /** Save: a type without drafts changes at once; a type with drafts changes its draft only. */
    save: (uid: string, documentId: string, changes: Data, options: Locale = {}) => send('PUT', collection(uid, documentId), changes, options),
    /** Publish with these changes (the admin's Publish on an edited form): saves the draft, then publishes it. */
    publish: (uid: string, documentId: string, changes: Data, options: Locale = {}) =>
      send('POST', `${collection(uid, documentId)}/actions/publish`, changes, options),
    /** Save of a single type's entry (a single type without drafts: at once). */
    saveSingle: (uid: string, changes: Data, options: Locale = {}) => send('PUT', `single-types/${uid}`, changes, options),
    /** Delete of a single type's entry (in every locale without one). */
    deleteSingle: (uid: string, options: Locale = {}) => send('DELETE', `single-types/${uid}`, undefined, options),
    /** Publish of a single type's entry with these changes. */
    publishSingle: (uid: string, changes: Data, options: Locale = {}) => send('POST', `single-types/${uid}/actions/publish`, changes, options),
  };
}

export type Editor = Awaited<ReturnType<typeof loginAsEditor>>;
