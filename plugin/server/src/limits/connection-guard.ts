import type { ErrorCode } from '@strapi-live/client/protocol';
import type { ResolvedGuardConfig } from '../config/types';
import { SocketError } from '../auth/auth-error';
import { addressMatches, clientAddress } from './client-address';
import { createTokenBucket } from './token-bucket';

interface Handshake {
  address: string;
  headers: Record<string, string | string[] | undefined>;
}

/** What `socket.use` passes a per-socket middleware: the event, its arguments, maybe an ack. */
type IncomingPacket = unknown[];

/**
 * The plugin's limits and `security` switches, cheapest first: the address lists and the
 * per-address cap at the handshake (before credentials are read from the database), credentials
 * required after authentication, and a message rate per socket before any message is looked at.
 * `config` is read at each use, never copied: the settings page changes it in place.
 */
export function createConnectionGuard(
  config: ResolvedGuardConfig,
  /** Told of each failed acknowledgement the guard sends (for the metrics). */
  failed: (code: ErrorCode) => void = () => {},
) {
  const perAddress = new Map<string, number>();

  const addressOf = (handshake: Handshake) => clientAddress(handshake.address, handshake.headers['x-forwarded-for'], config.trustedHops);

  return {
    addressOf,

    /** At the handshake, before authentication: an error for a refused address, else undefined. */
    admit(handshake: Handshake): SocketError | undefined {
      const address = addressOf(handshake);
      if (addressMatches(address, config.ipDenyList) || (config.ipAllowList && !addressMatches(address, config.ipAllowList))) {
        return new SocketError('FORBIDDEN', 'Connections from this address are not allowed');
      }
      if (config.connectionsPerIp > 0 && (perAddress.get(address) ?? 0) >= config.connectionsPerIp) {
        return new SocketError('LIMIT_EXCEEDED', `Too many connections from this address (at most ${config.connectionsPerIp})`);
      }
      return undefined;
    },

    /** After authentication: Public refused when credentials are required. */
    authenticated(kind: string): SocketError | undefined {
      if (config.requireAuthentication && kind === 'public') {
        return new SocketError('UNAUTHORIZED', 'This server requires credentials: connect with a JWT or an API token');
      }
      return undefined;
    },

    /** Counts a connected socket against its address; returns the function that uncounts it. */
    count(handshake: Handshake): () => void {
      // Counted even without a cap: the settings page may set one while these sockets are connected.
      const address = addressOf(handshake);
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
      let counted = true;
      return () => {
        if (!counted) return;
        counted = false;
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left > 0) perAddress.set(address, left);
        else perAddress.delete(address);
      };
    },

    /**
     * A per-socket middleware (`socket.use`): a message over the socket's rate is answered
     * `LIMIT_EXCEEDED` (or dropped when it wants no answer) without being looked at; a socket that
     * keeps sending while refused is told and disconnected.
     */
    messageRate(end: (message: string) => void): (packet: IncomingPacket, next: (error?: Error) => void) => void {
      // Read on every message: a rate changed on the settings page applies to connected sockets too.
      const bucket = createTokenBucket({
        get perSecond() {
          return config.messagesPerSecond;
        },
        get burst() {
          return config.messageBurst;
        },
      });
      let refused = 0;
      return (packet, next) => {
        if (bucket.take()) {
          refused = 0;
          next();
          return;
        }
        refused += 1;
        const message = `Too many messages: at most ${config.messagesPerSecond} per second (${config.messageBurst} at once)`;
        const ack = packet[packet.length - 1];
        if (typeof ack === 'function') {
          failed('LIMIT_EXCEEDED');
          ack({ success: false, error: { code: 'LIMIT_EXCEEDED', message } });
        }
        if (refused === config.disconnectAfterRefused) end(`${message}; disconnected after ${refused} refused in a row`);
      };
    },
  };
}

export type ConnectionGuard = ReturnType<typeof createConnectionGuard>;
