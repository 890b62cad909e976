import type { Core } from '@strapi/strapi';
import { SocketError } from './auth-error';
import type { AuthContext, Principal, SocketSession } from './principal';
import { groupKeyOf } from './principal';
import { API_TOKEN_STRATEGIES, USERS_PERMISSIONS_STRATEGIES, jwtExpiry, runContentApiStrategies } from './strapi-auth';

const QUERY_TOKEN_KEYS = ['token', 'access_token', 'jwt', 'apiToken', 'api_token', 'auth', 'authorization'];
const MAX_TOKEN_LENGTH = 8192;

export interface Authenticated {
  session: SocketSession;
  auth: AuthContext;
}

/** A group's reading rights when Strapi grants the public role nothing at all. */
export const NO_PERMISSIONS: AuthContext = {
  strategy: {
    name: 'none',
    verify() {
      throw new Error('Forbidden');
    },
  },
  credentials: null,
  ability: null,
};

/**
 * Turns a Socket.IO handshake into a principal. No `auth` means the Public role; otherwise
 * `auth: { strategy: 'jwt' | 'api-token', token }`. A bad token is refused, never downgraded to
 * Public, and a token in the query string is refused outright (it would end up in access logs).
 */
export async function authenticateHandshake(
  strapi: Core.Strapi,
  handshake: { auth?: unknown; query?: Record<string, unknown> },
): Promise<Authenticated> {
  const queryKey = QUERY_TOKEN_KEYS.find((key) => handshake.query?.[key] !== undefined);
  if (queryKey) {
    throw new SocketError(
      'UNAUTHORIZED',
      `Tokens in the query string ("${queryKey}") are not accepted: pass io(url, { auth: { strategy, token } })`,
    );
  }
  const credentials = readCredentials(handshake.auth);
  return credentials ? authenticateToken(strapi, credentials) : authenticatePublic(strapi);
}

function readCredentials(auth: unknown): SocketSession['credentials'] {
  if (auth === undefined || auth === null) return null;
  if (typeof auth !== 'object' || Array.isArray(auth)) {
    throw new SocketError('UNAUTHORIZED', 'Handshake auth must be an object { strategy, token }');
  }
  const { strategy, token } = auth as { strategy?: unknown; token?: unknown };
  if (token === undefined && strategy === undefined) return null;
  if (typeof token !== 'string' || token.trim() === '' || token.length > MAX_TOKEN_LENGTH || /\s/.test(token)) {
    throw new SocketError('UNAUTHORIZED', 'Handshake auth.token must be a non-empty token string');
  }
  if (strategy === undefined) {
    // The seed's clients always named the strategy; guess only from the token's shape.
    return { strategy: token.split('.').length === 3 ? 'jwt' : 'api-token', token };
  }
  if (strategy !== 'jwt' && strategy !== 'api-token') {
    throw new SocketError('UNAUTHORIZED', `Unknown auth strategy ${JSON.stringify(String(strategy).slice(0, 40))}: use 'jwt' or 'api-token'`);
  }
  return { strategy, token };
}

export async function authenticatePublic(strapi: Core.Strapi): Promise<Authenticated> {
  const outcome = await runContentApiStrategies(strapi, USERS_PERMISSIONS_STRATEGIES, null);
  const principal: Principal = { kind: 'public' };
  return {
    session: { principal, groupKey: groupKeyOf(principal), credentials: null },
    auth: outcome.ok ? outcome.auth : NO_PERMISSIONS,
  };
}

export async function authenticateToken(
  strapi: Core.Strapi,
  credentials: NonNullable<SocketSession['credentials']>,
): Promise<Authenticated> {
  if (credentials.strategy === 'jwt') {
    const expiresAt = jwtExpiry(credentials.token);
    if (expiresAt !== null && expiresAt <= Date.now()) throw new SocketError('UNAUTHORIZED', 'JWT expired: log in again');
    const outcome = await runContentApiStrategies(strapi, USERS_PERMISSIONS_STRATEGIES, credentials.token);
    const user = outcome.ok ? (outcome.auth.credentials as { id?: number; role?: { id?: number } } | null) : null;
    if (!outcome.ok || !user || typeof user.id !== 'number' || typeof user.role?.id !== 'number') {
      const reason = outcome.ok ? 'Invalid JWT' : outcome.reason;
      throw new SocketError('UNAUTHORIZED', `JWT refused: ${reason} (invalid signature, or the user is unknown, blocked or unconfirmed)`);
    }
    const principal: Principal = { kind: 'user', userId: user.id, roleId: user.role.id, expiresAt };
    return { session: { principal, groupKey: groupKeyOf(principal), credentials }, auth: outcome.auth };
  }

  const outcome = await runContentApiStrategies(strapi, API_TOKEN_STRATEGIES, credentials.token);
  const token = outcome.ok ? (outcome.auth.credentials as { id?: number; type?: string; expiresAt?: unknown } | null) : null;
  if (!outcome.ok || !token || typeof token.id !== 'number') {
    const reason = outcome.ok ? 'Invalid API token' : outcome.reason;
    throw new SocketError('UNAUTHORIZED', `API token refused: ${reason === 'Missing or invalid credentials' ? 'unknown or revoked token' : reason}`);
  }
  const tokenType = token.type === 'full-access' || token.type === 'read-only' ? token.type : 'custom';
  const expiresAt = token.expiresAt ? new Date(token.expiresAt as string).getTime() : null;
  const principal: Principal = { kind: 'api-token', tokenId: token.id, tokenType, expiresAt };
  return { session: { principal, groupKey: groupKeyOf(principal), credentials }, auth: outcome.auth };
}
