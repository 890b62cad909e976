import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchSlowConsumers } from '../slow-consumers';

/** An engine.io connection as the watcher sees it; `reads` counts how often its buffers were looked at. */
interface FakeConnection {
  id: string;
  readyState: string;
  writeBuffer: { data?: unknown }[];
  reads: number;
  buffered: number;
  closed: boolean;
  transport: { name: string; writable: boolean; socket: { readonly bufferedAmount: number; terminate(): void } | undefined };
  close(): void;
}

function fakeConnection(id: string, transport: 'websocket' | 'polling' = 'websocket'): FakeConnection {
  const connection: FakeConnection = {
    id,
    readyState: 'open',
    writeBuffer: [] as { data?: unknown }[],
    reads: 0,
    buffered: 0,
    closed: false,
    transport: {
      name: transport,
      writable: true,
      socket:
        transport === 'websocket'
          ? {
              get bufferedAmount(): number {
                connection.reads += 1;
                return connection.buffered;
              },
              terminate() {},
            }
          : undefined,
    },
    close() {
      connection.closed = true;
      connection.readyState = 'closed';
    },
  };
  return connection;
}

function setUp(maxBytes = 1_000) {
  const engine = new EventEmitter();
  const io = { engine, _nsps: new Map() };
  const warn = vi.fn();
  const stop = watchSlowConsumers({ log: { warn } } as never, io as never, maxBytes);
  return { engine, warn, stop };
}

describe('the slow-consumer watch', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('looks only at connections written to lately, not at every idle one', () => {
    const { engine, stop } = setUp();
    const idle = Array.from({ length: 1_000 }, (_, i) => fakeConnection(`idle-${i}`));
    for (const connection of idle) engine.emit('connection', connection);
    // The first sweep sees each new connection once, with nothing waiting: it stops watching them.
    vi.advanceTimersByTime(1_000);
    expect(idle.reduce((sum, c) => sum + c.reads, 0)).toBe(1_000);
    vi.advanceTimersByTime(10_000);
    expect(idle.reduce((sum, c) => sum + c.reads, 0)).toBe(1_000);

    // Two of them are sent something: the next sweep looks at those two only.
    engine.emit('flush', idle[3], []);
    engine.emit('flush', idle[7], []);
    vi.advanceTimersByTime(1_000);
    expect(idle.reduce((sum, c) => sum + c.reads, 0)).toBe(1_002);
    expect([idle[3]!.reads, idle[7]!.reads]).toEqual([2, 2]);
    stop();
  });

  it('keeps watching a connection that has not drained, and drops it once too much waits', () => {
    const { engine, warn, stop } = setUp(1_000);
    const stalled = fakeConnection('stalled');
    engine.emit('connection', stalled);
    engine.emit('flush', stalled, []);
    stalled.transport.writable = false;
    stalled.buffered = 400;
    vi.advanceTimersByTime(3_000);
    expect(stalled.reads).toBe(3);
    expect(stalled.closed).toBe(false);
    // Packets pile up behind a transport still busy: no more flushes, and it is still watched.
    stalled.writeBuffer.push({ data: 'x'.repeat(700) });
    vi.advanceTimersByTime(1_000);
    expect(stalled.closed).toBe(true);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/dropped connection stalled: Too slow to read: 1100 bytes were waiting to be sent \(at most 1000\)/);
    vi.advanceTimersByTime(5_000);
    expect(stalled.reads).toBe(4);
    stop();
  });

  it('keeps watching a long-polling client with no poll pending, which may have stopped polling', () => {
    const { engine, stop } = setUp(1_000);
    const polling = fakeConnection('polling', 'polling');
    polling.transport.writable = false;
    engine.emit('connection', polling);
    vi.advanceTimersByTime(5_000);
    expect(polling.closed).toBe(false);
    polling.writeBuffer.push({ data: 'y'.repeat(2_000) });
    vi.advanceTimersByTime(1_000);
    expect(polling.closed).toBe(true);
    stop();
  });

  it('forgets closed connections, and stops listening when stopped', () => {
    const { engine, stop } = setUp();
    const gone = fakeConnection('gone');
    engine.emit('flush', gone, []);
    gone.readyState = 'closed';
    vi.advanceTimersByTime(1_000);
    expect(gone.reads).toBe(0);
    stop();
    expect(engine.listenerCount('flush') + engine.listenerCount('connection')).toBe(0);
  });
});
