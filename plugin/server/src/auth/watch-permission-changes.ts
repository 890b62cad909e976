import type { Core } from '@strapi/strapi';
import type { Sessions } from '../socket/sessions';
import { rooms } from '../subscriptions/rooms';
import type { AccessControl } from './access-control';

interface LifecycleEvent {
  action: string;
  model: { uid: string };
  result?: { id?: number } | null;
  params?: { where?: { id?: unknown } };
}

const ROLE_MODELS = ['plugin::users-permissions.permission', 'plugin::users-permissions.role'];
const USER_MODEL = 'plugin::users-permissions.user';
const TOKEN_MODEL = 'admin::api-token';
const TOKEN_PERMISSION_MODEL = 'admin::api-token-permission';

/** The id a single-row lifecycle event is about, or null for bulk writes (then everyone is rechecked). */
function idOf(event: LifecycleEvent): number | null {
  if (event.action.endsWith('Many')) return null;
  const id = event.result?.id ?? event.params?.where?.id;
  return typeof id === 'number' ? id : null;
}

/** A change to who may read what: the model written, the lifecycle action, the row (null: many rows). */
export interface AccessChange {
  uid: string;
  action: string;
  id: number | null;
}

/** Other nodes apply a change again this long after hearing of it, in case they heard before its commit. */
const REMOTE_REAPPLY_MS = 500;

/**
 * Keeps every socket's rights current: a changed role or permission makes its groups recompute their
 * abilities before the next event; a changed or deleted user or API token re-authenticates the
 * sockets that use it (a blocked user or a revoked token is disconnected at once). Changes made on
 * this node are handed to `publish` for the other nodes, whose changes come in through the
 * returned `applyRemote`.
 */
export function watchPermissionChanges({
  strapi,
  access,
  sessions,
  publish,
  narrowed,
}: {
  strapi: Core.Strapi;
  access: AccessControl;
  sessions: Sessions;
  publish: (change: AccessChange) => void;
  /** Groups whose rights may have shrunk: their sockets' subscriptions are checked again. */
  narrowed: (groupKeys: string[]) => Promise<void>;
}): { applyRemote(change: AccessChange): void } {
  const apply = ({ uid, action, id }: AccessChange) => {
    let work: Promise<void> = Promise.resolve();
    let groups: string[] = [];
    if (ROLE_MODELS.includes(uid)) {
      groups = access.invalidate((p) => p.kind === 'public' || p.kind === 'user');
      if (uid === 'plugin::users-permissions.role' && action.startsWith('afterDelete')) work = sessions.recheckAll('user');
    } else if (uid === USER_MODEL) {
      work = id === null ? sessions.recheckAll('user') : sessions.recheckRoom(rooms.user(id));
    } else if (uid === TOKEN_MODEL) {
      groups = access.invalidate((p) => p.kind === 'api-token' && (id === null || p.tokenId === id));
      work = id === null ? sessions.recheckAll('api-token') : sessions.recheckRoom(rooms.token(id));
    } else if (uid === TOKEN_PERMISSION_MODEL) {
      groups = access.invalidate((p) => p.kind === 'api-token' && p.tokenType === 'custom');
    }
    if (groups.length > 0) work = work.then(() => narrowed(groups));
    work.catch((error: Error) => strapi.log.error(`[io] re-checking sockets after a change of ${uid} failed: ${error.message}`));
  };

  const onChange = (event: LifecycleEvent) => {
    const change: AccessChange = { uid: event.model.uid, action: event.action, id: idOf(event) };
    const now = () => {
      apply(change);
      publish(change);
    };
    // Inside a transaction (a users-permissions edit, an admin's save): rechecked once it commits.
    // Before, the rechecks would read through the writer's transaction (this callback runs in its
    // async context) and fail once it completed, disconnecting sockets whose rights never changed;
    // other nodes would read the rights before the change is visible. A rollback changes nothing.
    if (strapi.db.inTransaction()) {
      void strapi.db.transaction(async ({ onCommit }) => onCommit(() => setImmediate(now)));
    } else {
      now();
    }
  };

  strapi.db.lifecycles.subscribe({
    models: [...ROLE_MODELS, USER_MODEL, TOKEN_MODEL, TOKEN_PERMISSION_MODEL],
    afterCreate: onChange,
    afterCreateMany: onChange,
    afterUpdate: onChange,
    afterUpdateMany: onChange,
    afterDelete: onChange,
    afterDeleteMany: onChange,
  } as never);

  return {
    applyRemote(change: AccessChange): void {
      if (typeof change?.uid !== 'string' || typeof change.action !== 'string' || (change.id !== null && typeof change.id !== 'number')) return;
      apply(change);
      // The lifecycle fires inside the writer's transaction: a node that rereads the rights before
      // that commits would keep the old ones, so it reads them again a moment later.
      setTimeout(() => apply(change), REMOTE_REAPPLY_MS).unref();
    },
  };
}
