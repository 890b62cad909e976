/**
 * What a node sent to its rooms lately, for connection state recovery: every event packet with the
 * rooms it went to, the offset the client was given for it, and the key of what it carried (a
 * content event's id, a cluster broadcast's stream id), so that two nodes' records of one change
 * can be told apart from two changes. No sockets or Strapi here.
 */

export interface LoggedPacket {
  /** The offset the client got as the packet's last argument. */
  offset: string;
  /** Position in this log (offsets are `<tag>.<seq>`). */
  seq: number;
  at: number;
  rooms: readonly string[];
  except: readonly string[];
  /** `[event, ...args]`, without the offset. */
  data: readonly unknown[];
  key: string | undefined;
}

export interface PacketTarget {
  rooms: Iterable<string>;
  except?: Iterable<string> | undefined;
}

/** Whether a packet sent to `target` reached a socket in `socketRooms` (Socket.IO's own rule). */
export function reaches(socketRooms: ReadonlySet<string>, packet: Pick<LoggedPacket, 'rooms' | 'except'>): boolean {
  const included = packet.rooms.length === 0 || packet.rooms.some((room) => socketRooms.has(room));
  return included && !packet.except.some((room) => socketRooms.has(room));
}

export function createRecoveryLog({ tag, windowMs, now = Date.now }: { tag: string; windowMs: number; now?: () => number }) {
  const packets: LoggedPacket[] = [];
  /** The seq of packets[0]. */
  let first = 0;
  let next = 0;
  const prefix = `${tag}.`;

  function trim(): void {
    const threshold = now() - windowMs;
    let drop = 0;
    while (drop < packets.length && packets[drop]!.at < threshold) drop += 1;
    if (drop === 0) return;
    packets.splice(0, drop);
    first += drop;
  }

  /** The index in `packets` of an offset this log gave, or -1 (another node's, or trimmed). */
  function indexOf(offset: string): number {
    if (!offset.startsWith(prefix)) return -1;
    const seq = Number(offset.slice(prefix.length));
    if (!Number.isSafeInteger(seq)) return -1;
    const index = seq - first;
    return index >= 0 && index < packets.length ? index : -1;
  }

  return {
    /** Records a packet; returns the offset to append to it. */
    record(data: readonly unknown[], target: PacketTarget, key: string | undefined): string {
      trim();
      const seq = next++;
      const offset = `${prefix}${seq}`;
      packets.push({ offset, seq, at: now(), rooms: [...target.rooms], except: [...(target.except ?? [])], data, key });
      return offset;
    },

    /** Whether this log gave `offset` and still holds it. */
    holds(offset: string): boolean {
      return indexOf(offset) !== -1;
    },

    /**
     * The packets after `offset` that reached a socket in `socketRooms`, oldest first; undefined
     * when the offset is not (or no longer) in this log.
     */
    after(offset: string, socketRooms: ReadonlySet<string>): LoggedPacket[] | undefined {
      const index = indexOf(offset);
      if (index === -1) return undefined;
      return packets.slice(index + 1).filter((packet) => reaches(socketRooms, packet));
    },

    /** The position the next packet gets: `since(mark)` returns what was recorded from here on. */
    mark(): number {
      return next;
    },

    /** The packets recorded since `mark` that reached a socket in `socketRooms`. */
    since(mark: number, socketRooms: ReadonlySet<string>): LoggedPacket[] {
      return packets.slice(Math.max(0, mark - first)).filter((packet) => reaches(socketRooms, packet));
    },

    get size(): number {
      return packets.length;
    },
  };
}

export type RecoveryLog = ReturnType<typeof createRecoveryLog>;

/**
 * The packets a socket that moved from one node to another still has to get: what the old node
 * sent its rooms after the client's last offset, then what the new node sent them since it began
 * watching, without what the old node's part already carried (the same change, delivered by both).
 */
export function mergeMissed(
  fromOldNode: readonly Pick<LoggedPacket, 'data' | 'key'>[],
  fromNewNode: readonly Pick<LoggedPacket, 'data' | 'key'>[],
): Pick<LoggedPacket, 'data' | 'key'>[] {
  const seen = new Set<string>();
  for (const { key } of fromOldNode) if (key !== undefined) seen.add(key);
  return [...fromOldNode, ...fromNewNode.filter(({ key }) => key === undefined || !seen.has(key))];
}
