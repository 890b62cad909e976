import { useEffect, useReducer, useRef } from 'react';
import { useAuth, useFetchClient } from '@strapi/strapi/admin';
import { openAdminChannel, refusalCode } from './admin-channel';
import type { AdminChannel } from './admin-channel';
import { initialMonitorState, monitorReducer } from './monitor-state';
import type { MonitorState } from './monitor-state';
import type { ChannelInfo } from '../contract';

/** How long to wait for a refreshed admin token before calling the channel refused. */
const TOKEN_REFRESH_WAIT_MS = 3_000;

/**
 * The monitoring numbers, pushed by the server over the admin live channel (no polling): the
 * monitoring page and the home widget both read this. One socket per mounted consumer; it closes
 * when the consumer unmounts.
 *
 * The admin's access tokens are short-lived. When the server refuses the handshake as
 * UNAUTHORIZED (or drops the socket when its token expires), one authenticated admin request makes
 * Strapi's fetch client refresh the session; the channel reconnects as soon as the new token reaches
 * the auth state. A FORBIDDEN refusal (no `plugin::io.monitoring.read`) is final.
 */
export function useMonitorChannel(): MonitorState {
  const token = useAuth('IoMonitorChannel', (auth) => auth.token);
  const { get } = useFetchClient();
  const [state, dispatch] = useReducer(monitorReducer, initialMonitorState);

  const tokenRef = useRef(token);
  const channelRef = useRef<AdminChannel | null>(null);
  /** Set while a refresh is under way: the next token reconnects the channel. */
  const awaitingToken = useRef(false);

  useEffect(() => {
    tokenRef.current = token;
    const channel = channelRef.current;
    if (awaitingToken.current && channel && !channel.connected) {
      awaitingToken.current = false;
      channel.connect();
    }
  }, [token]);

  // `get` is stable enough for a refresh call; the channel must not reopen when it changes.
  const getRef = useRef(get);
  getRef.current = get;

  useEffect(() => {
    let stopped = false;
    let stopListening: (() => void) | undefined;
    // Where the channel is first: an app may serve Socket.IO on another path than the default.
    void getRef
      .current<{ data: ChannelInfo }>('/io/monitoring/channel')
      .then(({ data }) => data.data.path, () => undefined)
      .then((path) => {
        if (!stopped) stopListening = listen(openAdminChannel(() => tokenRef.current, path));
      });
    return () => {
      stopped = true;
      stopListening?.();
    };
  }, []);

  /** Follows one opened channel; returns what closes it. */
  function listen(channel: AdminChannel): () => void {
    channelRef.current = channel;
    let refreshedOnce = false;
    let refusalTimer: ReturnType<typeof setTimeout> | undefined;

    const refuse = (error: string) => dispatch({ type: 'status', status: 'refused', error });
    const refreshSession = (reason: string) => {
      if (refreshedOnce) return refuse(reason);
      refreshedOnce = true;
      awaitingToken.current = true;
      // Any admin request refreshes an expired access token (and stores the new one); a token that
      // does not change means the session itself is gone or the refusal was not about expiry.
      void getRef.current('/admin/users/me').catch(() => undefined);
      refusalTimer = setTimeout(() => {
        if (!awaitingToken.current) return;
        awaitingToken.current = false;
        refuse(reason);
      }, TOKEN_REFRESH_WAIT_MS);
    };

    channel.on('monitor:snapshot', (snapshot) => {
      refreshedOnce = false;
      dispatch({ type: 'snapshot', snapshot });
    });
    channel.on('monitor:connection', (change) => dispatch({ type: 'connection', change }));
    channel.on('monitor:event', (event) => dispatch({ type: 'event', event }));
    channel.on('monitor:stats', (stats) => dispatch({ type: 'stats', stats }));
    channel.on('connect_error', (error) => {
      const code = refusalCode(error);
      if (code === 'FORBIDDEN') refuse(error.message);
      else if (code === 'UNAUTHORIZED') refreshSession(error.message);
      // Anything else is the transport: Socket.IO retries by itself.
      else dispatch({ type: 'status', status: 'connecting', error: error.message });
    });
    channel.on('disconnect', (reason) => {
      dispatch({ type: 'status', status: 'connecting', error: reason });
      // The server closed it (an expired token, or access withdrawn): Socket.IO does not retry that.
      if (reason === 'io server disconnect') refreshSession('The server closed the live channel');
    });

    return () => {
      clearTimeout(refusalTimer);
      awaitingToken.current = false;
      channelRef.current = null;
      channel.removeAllListeners();
      channel.disconnect();
    };
  }

  return state;
}
