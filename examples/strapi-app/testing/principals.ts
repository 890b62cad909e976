import type { Core } from '@strapi/strapi';

let counter = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function findRole(strapi: Core.Strapi, type: string): Promise<{ id: number; type: string }> {
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type } });
  if (!role) throw new Error(`No users-permissions role of type ${type}`);
  return role as { id: number; type: string };
}

/** A users-permissions role with exactly these content-API actions. */
export async function createRole(strapi: Core.Strapi, actions: string[]): Promise<{ id: number; type: string }> {
  const name = unique('role');
  const role = (await strapi.db.query('plugin::users-permissions.role').create({
    data: { name, type: name.toLowerCase(), description: 'test role' },
  })) as { id: number; type: string };
  await setRolePermissions(strapi, role.id, actions);
  return role;
}

/** Replaces a role's content-API actions through the database, as the admin panel's save does. */
export async function setRolePermissions(strapi: Core.Strapi, roleId: number, actions: string[]): Promise<void> {
  const query = strapi.db.query('plugin::users-permissions.permission');
  const existing = (await query.findMany({ where: { role: roleId } })) as { id: number; action: string }[];
  for (const permission of existing) {
    if (permission.action.startsWith('api::') && !actions.includes(permission.action)) await query.delete({ where: { id: permission.id } });
  }
  for (const action of actions) {
    if (!existing.some((p) => p.action === action)) await query.create({ data: { action, role: roleId } });
  }
}

/** A users-permissions user and a JWT for it, issued by the plugin's own service (REST login is rate limited). */
export async function createUser(
  strapi: Core.Strapi,
  options: { roleId?: number; blocked?: boolean; confirmed?: boolean } = {},
): Promise<{ id: number; jwt: string }> {
  const roleId = options.roleId ?? (await findRole(strapi, 'authenticated')).id;
  const username = unique('user');
  const user = (await strapi.plugin('users-permissions').service('user').add({
    username,
    email: `${username}@example.com`,
    password: 'Password123!',
    provider: 'local',
    confirmed: options.confirmed ?? true,
    blocked: options.blocked ?? false,
    role: roleId,
  })) as { id: number };
  const jwt = (await strapi.plugin('users-permissions').service('jwt').issue({ id: user.id })) as string;
  return { id: user.id, jwt };
}

export type ApiTokenType = 'read-only' | 'full-access' | 'custom';

/** A content-API token created by the admin's own service; `accessKey` is what a client sends. */
export async function createApiToken(
  strapi: Core.Strapi,
  type: ApiTokenType,
  permissions: string[] = [],
): Promise<{ id: number; accessKey: string }> {
  const token = (await strapi.service('admin::api-token').create({
    name: unique('token'),
    description: 'test token',
    type,
    lifespan: null,
    ...(type === 'custom' ? { permissions } : {}),
  })) as { id: number; accessKey: string };
  return { id: token.id, accessKey: token.accessKey };
}
