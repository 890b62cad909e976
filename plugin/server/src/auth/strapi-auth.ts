import type { Core } from '@strapi/strapi';
import type { AuthContext } from './principal';

/** The names Strapi 5 registers its content-API strategies under ('api-token' before 5.2x). */
export const USERS_PERMISSIONS_STRATEGIES = ['users-permissions'];
export const API_TOKEN_STRATEGIES = ['content-api-token', 'api-token'];

export type StrategyOutcome = { ok: true; auth: AuthContext } | { ok: false; reason: string };

/**
 * Runs Strapi's own content-API authentication (`strapi.get('auth').authenticate`) over a
 * request-like context, so a socket is authenticated exactly as a REST request with
 * `Authorization: Bearer <token>` would be, with the same strategies, checks and abilities.
 */
export async function runContentApiStrategies(
  strapi: Core.Strapi,
  strategies: string[],
  token: string | null,
): Promise<StrategyOutcome> {
  let outcome: StrategyOutcome = { ok: false, reason: 'Missing or invalid credentials' };
  const ctx = {
    request: { header: token ? { authorization: `Bearer ${token}` } : {} },
    state: {
      route: { info: { type: 'content-api' }, config: { auth: { strategies } } },
    } as { route: unknown; auth?: AuthContext },
    unauthorized(error?: unknown) {
      outcome = { ok: false, reason: messageOf(error) };
    },
  };
  const auth = strapi.get('auth') as { authenticate(ctx: unknown, next: () => Promise<void>): Promise<unknown> };
  await auth.authenticate(ctx, async () => {
    if (ctx.state.auth) outcome = { ok: true, auth: ctx.state.auth };
  });
  return outcome;
}

function messageOf(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  return 'Missing or invalid credentials';
}

/** Reads `exp` of a JWT without verifying it (verification is Strapi's job); null when absent. */
export function jwtExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}
