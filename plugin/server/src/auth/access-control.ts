import type { Core } from '@strapi/strapi';
import { NO_PERMISSIONS, authenticatePublic } from './authenticate-handshake';
import type { AuthContext, Principal } from './principal';

interface GroupState {
  /** A member's principal, enough to recompute the group's ability. */
  principal: Principal;
  auth: AuthContext;
  members: number;
  /** scope → allowed, until the next invalidation. */
  verdicts: Map<string, boolean>;
  /** Set by {@link AccessControl.invalidate}; the ability is recomputed before its next use. */
  stale: boolean;
  /** The recomputation in flight: concurrent deliveries wait for it rather than use the old rights. */
  refreshing: Promise<void> | null;
}

/** `find`/`findOne` for reading; any other action of a type (`update`...) where a config asks for it. */
export type ReadAction = 'find' | 'findOne' | (string & {});

/**
 * The reading rights of every principal group that has sockets on this node: whether a group may
 * read a content type (Strapi's own `verify` with the REST scope, so exactly what REST grants) and
 * the group's view of a document (Strapi's content-API output sanitizer).
 */
export function createAccessControl({ strapi }: { strapi: Core.Strapi }) {
  const groups = new Map<string, GroupState>();

  async function refresh(group: GroupState): Promise<void> {
    group.stale = false;
    const auth = await recomputeAuth(strapi, group.principal, group.auth);
    // Invalidated again while recomputing: the next use recomputes once more.
    group.auth = auth;
    group.verdicts.clear();
  }

  async function ready(groupKey: string): Promise<GroupState | undefined> {
    const group = groups.get(groupKey);
    if (!group) return undefined;
    while (group.stale || group.refreshing) {
      if (!group.refreshing) {
        group.refreshing = refresh(group).finally(() => {
          group.refreshing = null;
        });
      }
      await group.refreshing;
    }
    return group;
  }

  return {
    /** Counts a socket into its group; the first member's auth becomes the group's. */
    join(groupKey: string, principal: Principal, auth: AuthContext): void {
      const group = groups.get(groupKey);
      if (group) {
        group.members += 1;
        return;
      }
      groups.set(groupKey, { principal, auth: forGroup(principal, auth), members: 1, verdicts: new Map(), stale: false, refreshing: null });
    },

    leave(groupKey: string): void {
      const group = groups.get(groupKey);
      if (!group) return;
      group.members -= 1;
      if (group.members <= 0) groups.delete(groupKey);
    },

    /** Groups with at least one socket on this node. */
    groupKeys(): string[] {
      return [...groups.keys()];
    },

    /** May this group read `uid` with `find` (collections, broadcasts) or `findOne` (one entity)? */
    async canRead(groupKey: string, uid: string, action: ReadAction): Promise<boolean> {
      const group = await ready(groupKey);
      if (!group) return false;
      const scope = `${uid}.${action}`;
      let verdict = group.verdicts.get(scope);
      if (verdict === undefined) {
        verdict = await verify(group.auth, scope);
        group.verdicts.set(scope, verdict);
      }
      return verdict;
    },

    /**
     * What {@link canRead} would answer, when that is known without waiting: the verdict already
     * computed for the group's current rights (false for a group not on this node); undefined while
     * the group's rights are being recomputed or the scope was never asked. Lets a fan-out over
     * thousands of queries file them in one synchronous pass.
     */
    knownRight(groupKey: string, uid: string, action: ReadAction): boolean | undefined {
      const group = groups.get(groupKey);
      if (!group) return false;
      if (group.stale || group.refreshing) return undefined;
      return group.verdicts.get(`${uid}.${action}`);
    },

    /** The document as `GET /api/<plural>/:id` would return it to this group. */
    async sanitize<T>(groupKey: string, uid: string, document: T): Promise<T | undefined> {
      const group = await ready(groupKey);
      if (!group) return undefined;
      const schema = strapi.getModel(uid as never);
      return (await strapi.contentAPI.sanitize.output(document as never, schema, { auth: group.auth as never })) as T;
    },

    /**
     * Marks groups stale (all, or those whose principal matches) after a permission change; returns
     * their keys.
     */
    invalidate(matches: (principal: Principal) => boolean = () => true): string[] {
      const keys: string[] = [];
      for (const [key, group] of groups) {
        if (!matches(group.principal)) continue;
        group.stale = true;
        keys.push(key);
      }
      return keys;
    },

    /** The group's current auth context (what Strapi's validators and sanitizers take). */
    async authOf(groupKey: string): Promise<AuthContext | undefined> {
      return (await ready(groupKey))?.auth;
    },
  };
}

export type AccessControl = ReturnType<typeof createAccessControl>;

async function verify(auth: AuthContext, scope: string): Promise<boolean> {
  if (typeof auth.strategy.verify !== 'function') return false;
  try {
    await auth.strategy.verify(auth, { scope: [scope] });
    return true;
  } catch {
    return false;
  }
}

/**
 * A group outlives any one member, so its auth must not carry a member's expiry: each socket's
 * expiry is enforced on the socket itself.
 */
function forGroup(principal: Principal, auth: AuthContext): AuthContext {
  if (principal.kind !== 'api-token' || !auth.credentials) return auth;
  return { ...auth, credentials: { ...(auth.credentials as object), expiresAt: null } };
}

async function recomputeAuth(strapi: Core.Strapi, principal: Principal, current: AuthContext): Promise<AuthContext> {
  const engine = strapi.contentAPI.permissions.engine as unknown as {
    generateAbility(permissions: { action: string }[]): Promise<AuthContext['ability']>;
  };
  switch (principal.kind) {
    case 'public':
      return (await authenticatePublic(strapi)).auth;
    case 'user': {
      const permissionService = strapi.plugin('users-permissions').service('permission') as {
        findRolePermissions(roleId: number): Promise<unknown[]>;
        toContentAPIPermission(permission: unknown): { action: string };
      };
      const permissions = await permissionService.findRolePermissions(principal.roleId);
      const ability = await engine.generateAbility(permissions.map((p) => permissionService.toContentAPIPermission(p)));
      return { ...current, ability };
    }
    case 'api-token': {
      if (principal.tokenType !== 'custom') return current;
      const tokenService = strapi.service('admin::api-token') as unknown as {
        getById(id: number): Promise<{ permissions?: string[] } | null>;
      };
      const token = await tokenService.getById(principal.tokenId);
      if (!token) return NO_PERMISSIONS;
      const ability = await engine.generateAbility((token.permissions ?? []).map((action) => ({ action })));
      return { ...current, ability };
    }
  }
}
