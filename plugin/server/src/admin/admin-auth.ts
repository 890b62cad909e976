import type { Core } from '@strapi/strapi';

/** What an admin session gives: the administrator and what they may do. */
export interface AdminSession {
  userId: number | string;
  can(action: string): boolean;
}

/**
 * Authenticates an admin access token (what `POST /admin/login` returns as `data.token`) exactly
 * as the admin API does: Strapi's own `admin` strategy (session manager: signature, expiry, the
 * session still active, the user active, their abilities). Only that strategy: users-permissions
 * JWTs and API tokens (content-API or admin) are never admin sessions here. Resolves null when the
 * token is not a valid admin session.
 */
export async function authenticateAdmin(strapi: Core.Strapi, token: string): Promise<AdminSession | null> {
  let session: AdminSession | null = null;
  const ctx = {
    request: { header: { authorization: `Bearer ${token}` } },
    state: { route: { info: { type: 'admin' }, config: { auth: { strategies: ['admin'] } } } } as {
      route: unknown;
      auth?: { credentials?: { id?: number | string } | null; ability?: { can(action: string): boolean } | null };
    },
    unauthorized() {
      session = null;
    },
  };
  const auth = strapi.get('auth') as { authenticate(ctx: unknown, next: () => Promise<void>): Promise<unknown> };
  await auth.authenticate(ctx, async () => {
    const { credentials, ability } = ctx.state.auth ?? {};
    if (credentials?.id !== undefined && ability) session = { userId: credentials.id, can: (action) => ability.can(action) };
  });
  return session;
}
