import { io } from 'socket.io-client';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import { LiveError, isServerErrorCode } from './live-error';
import type { Logger } from './logger';
import type { Ack, AckError, ClientToServerEvents, EventMeta, HandshakeAuth, ServerToClientEvents } from './protocol';
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
  const eventListeners = new Set<(document: unknown, meta: EventMeta) => void>();

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
    if (reason === 'io server disconnect' && typeof auth === 'function') {
      // The server ended the session (often: the token expired); the auth callback may have a fresh one.
      setStatus('reconnecting', error);
      reconnectTimer = setTimeout(() => socket.connect(), socket.io.reconnectionDelay());
      return;
    }
    if (reason !== 'io client disconnect') setStatus('disconnected', error);
  });

  socket.on('connect_error', (raw: Error & { data?: { code?: unknown } }) => {
    const refused = raw.data?.code === 'UNAUTHORIZED';
    const error = new LiveError(refused ? 'UNAUTHORIZED' : 'CONNECTION_ERROR', raw.message, { cause: raw });
    logger.warn(`connection failed: ${raw.message}`);
    if (socket.active) setStatus(status.get().state === 'connecting' ? 'connecting' : 'reconnecting', error);
    else setStatus('disconnected', error);
  });

  socket.on('io:error', (error) => {
    lastServerError = error;
    logger.warn(`server error ${error.code}: ${error.message}`);
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

    onContentEvent(listener: (document: unknown, meta: EventMeta) => void): () => void {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
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
