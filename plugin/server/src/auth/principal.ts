/**
 * Who is on the other end of a socket. Sockets whose principals read the same things share a
 * *group*: one sanitize and one emit per group and event, whatever the number of sockets.
 */
export type Principal =
  | { kind: 'public' }
  | { kind: 'user'; userId: number; roleId: number; expiresAt: number | null }
  | { kind: 'api-token'; tokenId: number; tokenType: 'read-only' | 'full-access' | 'custom'; expiresAt: number | null };

/**
 * The group a principal reads with. Users read with their role; read-only and full-access tokens
 * read everything of their type alike; a custom token has its own permissions, so its own group.
 */
export function groupKeyOf(principal: Principal): string {
  switch (principal.kind) {
    case 'public':
      return 'public';
    case 'user':
      return `role:${principal.roleId}`;
    case 'api-token':
      return principal.tokenType === 'custom' ? `token:${principal.tokenId}` : `token-type:${principal.tokenType}`;
  }
}

/** What `strapi.auth` strategies produce and what Strapi's sanitizers and `verify` take. */
export interface AuthContext {
  strategy: { name: string; verify?: (auth: AuthContext, config: { scope?: string | string[] }) => unknown };
  credentials: unknown;
  ability: { can: (action: string) => boolean } | null;
}

/** What the plugin keeps in `socket.data` (restored with the socket by connection state recovery). */
export interface SocketSession {
  principal: Principal;
  groupKey: string;
  /** Kept so the socket can be re-authenticated when its user, role or token changes. */
  credentials: { strategy: 'jwt' | 'api-token'; token: string } | null;
}
