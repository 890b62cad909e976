import type { Principal } from '../auth/principal';

/**
 * How many collection subscriptions each user and each API token holds, over all its sockets,
 * those of sockets away for the recovery window included: one principal opening sockets by the
 * hundred cannot hold live queries by the thousand. Public is left to the per-node and per-address
 * caps (every anonymous visitor is the same principal). No sockets here: counts are set per socket.
 */
export function createPrincipalQueries() {
  const bySocket = new Map<string, { principal: string; count: number }>();
  const totals = new Map<string, number>();

  const keyOf = (principal: Principal): string | undefined =>
    principal.kind === 'user' ? `user:${principal.userId}` : principal.kind === 'api-token' ? `token:${principal.tokenId}` : undefined;

  function add(principal: string, delta: number): void {
    const total = (totals.get(principal) ?? 0) + delta;
    if (total > 0) totals.set(principal, total);
    else totals.delete(principal);
  }

  return {
    /** How many subscriptions the principal holds (0 for Public, which is not counted). */
    total(principal: Principal): number {
      const key = keyOf(principal);
      return key === undefined ? 0 : (totals.get(key) ?? 0);
    },

    /** A socket of `principal` now holds `count` subscriptions. */
    set(socketId: string, principal: Principal, count: number): void {
      this.forget(socketId);
      const key = keyOf(principal);
      if (key === undefined || count <= 0) return;
      bySocket.set(socketId, { principal: key, count });
      add(key, count);
    },

    /** The socket is gone for good (not away for recovery). */
    forget(socketId: string): void {
      const entry = bySocket.get(socketId);
      if (!entry) return;
      bySocket.delete(socketId);
      add(entry.principal, -entry.count);
    },
  };
}

export type PrincipalQueries = ReturnType<typeof createPrincipalQueries>;
