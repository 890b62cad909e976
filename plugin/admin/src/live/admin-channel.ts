import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { MonitorEvents } from '../contract';

/** The plugin's admin namespace: admins only, never counted as client connections. */
export const ADMIN_NAMESPACE = '/io-admin';

/** Socket.IO's default path; the plugin serves its admin namespace on the same server as clients. */
export const DEFAULT_SOCKET_PATH = '/socket.io';

export type AdminChannel = Socket<MonitorEvents>;

/**
 * Where the Strapi server is: the admin may be served from another origin than the API
 * (`admin.url`), and Strapi's admin keeps the API's address in `window.strapi.backendURL`
 * (a path such as `/` when both share an origin).
 */
function serverOrigin(): string {
  const backendURL = (window as { strapi?: { backendURL?: string } }).strapi?.backendURL;
  return new URL(backendURL || '/', window.location.href).origin;
}

/**
 * Opens the admin live channel. `getToken` is asked on every (re)connect, so a token that the admin
 * refreshed in the meantime is the one sent: the channel authenticates with the admin's own session
 * (its admin JWT), as the admin's HTTP calls do.
 */
export function openAdminChannel(getToken: () => string | null, path: string = DEFAULT_SOCKET_PATH): AdminChannel {
  return io(`${serverOrigin()}${ADMIN_NAMESPACE}`, {
    path,
    auth: (send) => send({ token: getToken() }),
  });
}

/** The refusal code the server puts on a `connect_error` (`UNAUTHORIZED` or `FORBIDDEN`), if any. */
export function refusalCode(error: Error): string | undefined {
  const data = (error as Error & { data?: { code?: unknown } }).data;
  return typeof data?.code === 'string' ? data.code : undefined;
}
