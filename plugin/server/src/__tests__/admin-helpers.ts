import type { Core } from '@strapi/strapi';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';

let counter = 0;

/**
 * An administrator created by the admin's own user service (as an accepted invitation) and logged
 * in with `POST /admin/login`, as the admin panel does: `token` is its access token.
 * `role`: the super admin role, Strapi's Editor role (none of the plugin's actions), or a role id.
 */
export async function loginAdmin(strapi: Core.Strapi, url: string, role: 'super' | 'editor' | number = 'super'): Promise<{ id: number; token: string; email: string }> {
  const roleId =
    typeof role === 'number'
      ? role
      : role === 'super'
        ? ((await strapi.service('admin::role').getSuperAdmin()) as { id: number }).id
        : ((await strapi.service('admin::role').findOne({ code: 'strapi-editor' })) as { id: number }).id;
  const email = `admin-${Date.now().toString(36)}-${(counter++).toString(36)}@example.com`;
  const password = 'Admin-password-1';
  const user = (await strapi.service('admin::user').create({ email, firstname: 'Ad', lastname: 'Min', password, isActive: true, registrationToken: null, roles: [roleId] })) as { id: number };
  const response = await fetch(`${url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!response.ok) throw new Error(`POST /admin/login answered ${response.status}: ${await response.text()}`);
  const { data } = (await response.json()) as { data: { token: string } };
  return { id: user.id, token: data.token, email };
}

/** An admin role with exactly these of the plugin's actions (created through the admin's role service). */
export async function createAdminRole(strapi: Core.Strapi, actions: string[]): Promise<number> {
  const roles = strapi.service('admin::role') as {
    create(data: { name: string; description: string }): Promise<{ id: number }>;
    assignPermissions(id: number, permissions: { action: string; subject: null; properties: object; conditions: string[] }[]): Promise<unknown>;
  };
  const role = await roles.create({ name: `io-role-${Date.now().toString(36)}-${(counter++).toString(36)}`, description: 'test role' });
  await roles.assignPermissions(
    role.id,
    actions.map((action) => ({ action, subject: null, properties: {}, conditions: [] })),
  );
  return role.id;
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** A call to the admin API (`/io/...`), with an admin token or none. */
export async function adminCall<T = { data: unknown }>(url: string, method: string, route: string, token?: string, body?: unknown): Promise<Answer<T>> {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // CSV and the like stay text.
  }
  return { status: response.status, body: parsed as T, text, headers: response.headers };
}

/**
 * A socket on the admin channel; rejects with the connect_error. `received` records from before the
 * connection (the snapshot may arrive in the same read as the connection itself).
 */
export function connectAdmin(url: string, auth: Record<string, unknown> | undefined): Promise<Socket & { received: { event: string; args: unknown[] }[] }> {
  const socket = io(`${url}/io-admin`, { transports: ['websocket'], reconnection: false, forceNew: true, ...(auth ? { auth } : {}) });
  const received: { event: string; args: unknown[] }[] = [];
  socket.onAny((event: string, ...args: unknown[]) => received.push({ event, args }));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(Object.assign(socket, { received })));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}
