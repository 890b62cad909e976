import { io } from 'socket.io-client';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { LiveError, isServerErrorCode } from './live-error';
import type { Logger } from './logger';
import type { Ack, AckError, ClientToServerEvents, EventMeta, HandshakeAuth, RelatedInfo, ServerToClientEvents } from './protocol';
import { isParentList } from './related';
import { createStore } from './store';
import type { ReadableStore } from './store';

/** Where the connection is. */
export type ConnectionState =
  /** Created, not connected: nothing has subscribed or listened yet (and never on a server render). */
  | 'idle'
  /** Connecting for the first time (or again after `setAuth`). */
  | 'connecting'
  | 'connected'
  /** Lost; Socket.IO is trying again. */
  | 'reconnecting'
  /** Given up: the server refused the credentials, or ended the session. `setAuth` tries again. */
  | 'disconnected'
  /** `live.close()` was called. */
  | 'closed';

/** The connection's state and the last error it met (null once connected again). */
export interface ConnectionStatus {
  readonly state: ConnectionState;
  readonly error: LiveError | null;
}

/**
 * Handshake credentials: none for the Public role, a fixed value, or a function called before
 * every (re)connect, so a refreshed token is used.
 */
export type AuthOption = HandshakeAuth | null | (() => HandshakeAuth | null | Promise<HandshakeAuth | null>);

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectionOptions {
  url: string;
  auth: AuthOption | undefined;
  logger: Logger;
  socketOptions: Partial<ManagerOptions & SocketOptions> | undefined;
}

const CONTENT_EVENT = /^[\w-]+:(create|update|delete)$/;

/** Splits `http://host/base` into the Socket.IO origin and its path under that base. */
function socketTarget(url: string): { origin: string; path: string | undefined } {
  const parsed = new URL(url);
  const base = parsed.pathname.replace(/\/+$/, '');
  return { origin: parsed.origin, path: base ? `${base}/socket.io/` : undefined };
}

/** What a failed connection attempt tells: engine.io's reason, and its cause when it has one. */
function failureReason(raw: Error & { description?: unknown }): string {
  const { description } = raw;
  const detail =
    typeof description === 'number' && description > 0
      ? `HTTP ${description}`
      : typeof (description as { message?: unknown } | undefined)?.message === 'string'
        ? (description as { message: string }).message
        : '';
  return detail && !raw.message.includes(detail) ? `${raw.message} (${detail})` : raw.message;
}

/**
 * The message of a failed connection attempt: what was tried and what to check. A page on another
 * origin than the server's is told about CORS: a browser reports a refused cross-origin request
 * only as a failed request, indistinguishable from a server that is down.
 */
export function connectionErrorMessage({ url, socketUrl, reason, pageOrigin, retrying }: { url: string; socketUrl: string; reason: string; pageOrigin: string | undefined; retrying: boolean }): string {
  const parts = [
    `Could not connect to the Strapi server at ${url} (Socket.IO at ${socketUrl}): ${reason}.`,
    'Check that this URL is right, and that the server is running, reachable from here, and runs @strapi-live/plugin-io.',
  ];
  if (pageOrigin && pageOrigin !== 'null' && pageOrigin !== new URL(url).origin) {
    parts.push(
      `This page's origin, ${pageOrigin}, is not the server's: the server must allow it in Strapi's \`strapi::cors\` middleware (config/middlewares) and, if the plugin sets its own, in \`socket.serverOptions.cors\` (see "Connecting from another origin" in the README).`,
    );
  }
  parts.push(retrying ? 'Still trying in the background.' : 'Not trying again: call `live.connect()` or `live.setAuth()` to try again.');
  return parts.join(' ');
}

/**
 * The Socket.IO connection: resolves `auth` before each connect, keeps the status, remembers the
 * token of the current session (REST reads use it, so REST and events see the same principal),
 * and hands content events to the subscriptions.
 */
export function createConnection({ url, auth: initialAuth, logger, socketOptions }: ConnectionOptions) {
  let auth = initialAuth;
  let pendingAuth: HandshakeAuth | null = null;
  let currentAuth: HandshakeAuth | null = null;
  let lastServerError: AckError | null = null;
  let closed = false;
  let started = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  const status = createStore<ConnectionStatus>({ state: 'idle', error: null }, (error) => logger.error('A status listener threw', error));
  const connectListeners = new Set<(recovered: boolean) => void>();
  const disconnectListeners = new Set<() => void>();
  const resyncListeners = new Set<() => void>();
  const endedListeners = new Set<(id: string, error: LiveError) => void>();
  const relatedListeners = new Set<(info: RelatedInfo) => void>();
  const eventListeners = new Set<(document: unknown, meta: EventMeta) => void>();
  const failureListeners = new Set<(error: LiveError) => void>();
  /** The last failed attempt to connect, until one succeeds (or new credentials are tried). */
  let connectFailure: LiveError | null = null;

  const { origin, path } = socketTarget(url);
  const socket: LiveSocket = io(origin, {
    forceNew: true,
    ...(path ? { path } : {}),
    ...socketOptions,
    autoConnect: false,
    auth: (callback: (data: object) => void) => {
      const resolved = typeof auth === 'function' ? Promise.resolve().then(auth) : Promise.resolve(auth ?? null);
      resolved.then(
        (value) => {
          pendingAuth = value ?? null;
          callback(value ?? {});
        },
        (error: unknown) => {
          // Never fall back to Public when the app meant to authenticate: stay disconnected.
          const failure = new LiveError('AUTH_CALLBACK_FAILED', `The auth callback failed: ${(error as Error)?.message ?? error}`, { cause: error });
          logger.error(failure.message);
          socket.disconnect();
          status.set({ state: 'disconnected', error: failure });
        },
      );
    },
  });

  /** Set when the next connection must not recover the previous session. */
  let freshSession = false;
  const forgetSession = () => {
    freshSession = true;
    // socket.io-client sends these (private) fields to ask for recovery; without them it asks for none.
    const internals = socket as unknown as { _pid?: string; _lastOffset?: string };
    internals._pid = undefined;
    internals._lastOffset = undefined;
  };

  const setStatus = (state: ConnectionState, error: LiveError | null) => {
    if (closed && state !== 'closed') return;
    const previous = status.get();
    if (previous.state !== state || previous.error !== error) status.set({ state, error });
  };

  socket.on('connect', () => {
    currentAuth = pendingAuth;
    lastServerError = null;
    connectFailure = null;
    const recovered = socket.recovered && !freshSession;
    freshSession = false;
    logger.debug(`connected (${recovered ? 'recovered' : 'new session'})`);
    setStatus('connected', null);
    for (const listener of [...connectListeners]) listener(recovered);
  });

  socket.on('disconnect', (reason) => {
    logger.debug(`disconnected: ${reason}`);
    // Ended on purpose (by the server, or by us for setAuth/close): the next connection is a new
    // session. Socket.IO would still offer its old session id, and a server may still hold an
    // older recovered session under it (the in-memory adapter keeps restored sessions), which
    // would come back with stale rooms and without the events of the gap.
    if (reason === 'io server disconnect' || reason === 'io client disconnect') forgetSession();
    for (const listener of [...disconnectListeners]) listener();
    if (closed) return;
    const error = lastServerError
      ? new LiveError(isServerErrorCode(lastServerError.code) ? lastServerError.code : 'INTERNAL_ERROR', lastServerError.message)
      : null;
    if (socket.active) return setStatus('reconnecting', error);
    if (reason === 'io server disconnect' && typeof auth === 'function' && lastServerError?.code !== 'DISCONNECTED') {
      // The server ended the session because the token expired or was refused; the auth callback
      // may have a fresh one. A deliberate kick (DISCONNECTED) stays down until `live.connect()`.
      setStatus('reconnecting', error);
      reconnectTimer = setTimeout(() => socket.connect(), socket.io.reconnectionDelay());
      return;
    }
    if (reason !== 'io client disconnect') setStatus('disconnected', error);
  });

  const socketUrl = `${origin}${socket.io.opts.path ?? '/socket.io/'}`;
  socket.on('connect_error', (raw: Error & { data?: { code?: unknown }; description?: unknown }) => {
    // Refused by the plugin (credentials, most often): its code and message say it all.
    const refusal = raw.data?.code;
    const error = isServerErrorCode(refusal)
      ? new LiveError(refusal, raw.message, { cause: raw })
      : new LiveError(
          'CONNECTION_ERROR',
          connectionErrorMessage({ url, socketUrl, reason: failureReason(raw), pageOrigin: globalThis.location?.origin, retrying: socket.active && socket.io.reconnection() }),
          { cause: raw },
        );
    // The whole explanation once, then one line per attempt.
    logger.warn(connectFailure?.code === error.code ? `connection failed again: ${failureReason(raw)}` : `connection failed: ${error.message}`);
    connectFailure = error;
    // Socket.IO tries again by itself unless told not to (`reconnection: false` leaves the socket
    // "active" but waiting for `connect()`): the status says which.
    if (socket.active && socket.io.reconnection()) setStatus(status.get().state === 'connecting' ? 'connecting' : 'reconnecting', error);
    else setStatus('disconnected', error);
    // Every query waiting on the connection says why.
    if (socket.active) for (const listener of [...failureListeners]) listener(error);
  });

  socket.on('io:error', (error) => {
    lastServerError = error;
    logger.warn(`server error ${error.code}: ${error.message}`);
  });

  socket.on('io:subscription-ended', (info) => {
    if (typeof info?.id !== 'string') return;
    const error = new LiveError(isServerErrorCode(info.code) ? info.code : 'FORBIDDEN', `the server ended subscription ${info.id}: ${info.message}`);
    logger.warn(error.message);
    for (const listener of [...endedListeners]) listener(info.id, error);
  });

  socket.on('io:related', (info) => {
    if (typeof info?.uid !== 'string' || typeof info.documentId !== 'string') return;
    // A malformed list is no list: the queries that populate read again, as without one.
    const parents = isParentList(info.parents) ? info.parents : undefined;
    const checked: RelatedInfo = { uid: info.uid, documentId: info.documentId, locale: info.locale ?? null, ...(parents ? { parents } : {}) };
    for (const listener of [...relatedListeners]) listener(checked);
  });

  // The server may have missed changes (one of several nodes lost Redis for a while).
  socket.on('io:resync', (info) => {
    logger.info(`the server asks to read again: ${info?.reason ?? 'no reason given'}`);
    for (const listener of [...resyncListeners]) listener();
  });

  socket.onAny((event: string, document: unknown, meta: unknown) => {
    if (!CONTENT_EVENT.test(event) || typeof meta !== 'object' || meta === null) return;
    for (const listener of [...eventListeners]) listener(document, meta as EventMeta);
  });

  return {
    socket,
    status: status as ReadableStore<ConnectionStatus>,

    /** Connects, once: the client calls it on first use, so an unused client opens nothing. */
    start(): void {
      if (started || closed) return;
      started = true;
      setStatus('connecting', null);
      socket.connect();
    },

    /** `live.connect()`: starts, or tries again after the server ended the session or an attempt failed with reconnection off. */
    connect(): void {
      if (closed) return;
      if (!started) return this.start();
      // Idempotent in socket.io-client: nothing happens while it is connected or already connecting.
      if (!socket.connected) socket.connect();
    },

    /** The bearer token of the current session, or null for Public. */
    token(): string | null {
      return currentAuth?.token ?? null;
    },

    get connected(): boolean {
      return socket.connected;
    },

    onConnect(listener: (recovered: boolean) => void): () => void {
      connectListeners.add(listener);
      return () => connectListeners.delete(listener);
    },

    onDisconnect(listener: () => void): () => void {
      disconnectListeners.add(listener);
      return () => disconnectListeners.delete(listener);
    },

    /** Calls `listener` when a document others relate to changed (what shows it populated is stale). */
    onRelated(listener: (info: RelatedInfo) => void): () => void {
      relatedListeners.add(listener);
      return () => relatedListeners.delete(listener);
    },

    /** Calls `listener` when the server ends a subscription (its principal may no longer hold it). */
    onSubscriptionEnded(listener: (id: string, error: LiveError) => void): () => void {
      endedListeners.add(listener);
      return () => endedListeners.delete(listener);
    },

    /** Calls `listener` when the server says events may have been missed: read again. */
    onResync(listener: () => void): () => void {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },

    onContentEvent(listener: (document: unknown, meta: EventMeta) => void): () => void {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },

    /** Calls `listener` after each failed attempt to connect that Socket.IO will retry. */
    onConnectFailed(listener: (error: LiveError) => void): () => void {
      failureListeners.add(listener);
      return () => failureListeners.delete(listener);
    },

    /** Why the last attempt to connect failed, while not connected; null once connected. */
    get connectFailure(): LiveError | null {
      return socket.connected ? null : connectFailure;
    },

    /**
     * Listens to a raw event with the arguments the server sent. With connection state recovery
     * on, socket.io-client passes each event's recovery offset as an extra trailing string (it
     * keeps it to resume from, but does not strip it); this leaves it out.
     */
    listen(event: string, handler: (...args: any[]) => void): () => void {
      const wrapper = (...args: unknown[]) => {
        // socket.io-client's own test for an offset: recovery is on (a session id) and the last
        // argument is a string. The server appends one to every event it does not send `volatile`.
        const pid = (socket as unknown as { _pid?: string })._pid;
        handler(...(pid && typeof args[args.length - 1] === 'string' ? args.slice(0, -1) : args));
      };
      socket.on(event as never, wrapper as never);
      return () => {
        socket.off(event as never, wrapper as never);
      };
    },

    /** Sends a message and waits for its acknowledgement; rejects on timeout or disconnect. */
    request<T extends object>(event: 'subscribe' | 'unsubscribe', payload: unknown, timeoutMs: number): Promise<Ack<T>> {
      return new Promise((resolve, reject) => {
        (socket.timeout(timeoutMs) as unknown as { emit(event: string, payload: unknown, ack: (error: Error | null, response: Ack<T>) => void): void }).emit(
          event,
          payload,
          (error, response) => {
            if (error) reject(new LiveError('TIMEOUT', `No acknowledgement of ${event} within ${timeoutMs} ms (or the connection was lost)`, { cause: error }));
            else resolve(response);
          },
        );
      });
    },

    /** Connects again with new credentials: a new session, so every subscription is made again. */
    setAuth(next: AuthOption): void {
      if (closed) return;
      auth = next;
      connectFailure = null;
      if (!started) return;
      clearTimeout(reconnectTimer);
      socket.disconnect();
      setStatus('connecting', null);
      socket.connect();
    },

    close(): void {
      if (closed) return;
      clearTimeout(reconnectTimer);
      socket.disconnect();
      closed = true;
      status.set({ state: 'closed', error: null });
    },
  };
}

export type Connection = ReturnType<typeof createConnection>;
