import { describe, expect, it } from 'vitest';
import type { ConnectionInfo, MonitoredEvent } from '../contract';
import { EVENT_LOG_SIZE, initialMonitorState, monitorReducer, totalEvents } from '../live/monitor-state';
import type { MonitorState } from '../live/monitor-state';

const connection = (id: string): ConnectionInfo => ({
  id,
  principal: { kind: 'public', label: 'Public' },
  transport: 'websocket',
  address: '127.0.0.1',
  rooms: 0,
  subscriptions: 0,
  connectedAt: '2026-01-01T00:00:00.000Z',
});
const event = (documentId: string, action: MonitoredEvent['action'] = 'update'): MonitoredEvent => ({
  uid: 'api::article.article',
  action,
  documentId,
  locale: null,
  recipients: 2,
  ts: 1,
});
const live: MonitorState = monitorReducer(initialMonitorState, {
  type: 'snapshot',
  snapshot: { connections: [connection('a')], stats: { connections: 1, eventsPerSecond: 0, totals: {}, recentEvents: [event('old')] } },
});

describe('monitorReducer', () => {
  it('replaces everything with a snapshot and goes live', () => {
    expect(live).toMatchObject({ status: 'live', error: null, connectionCount: 1, events: [event('old')] });
    expect(live.connections.map(({ id }) => id)).toEqual(['a']);
  });

  it('counts a connection once, even when told twice, and forgets it when it leaves', () => {
    const twice = [connection('b'), connection('b')].reduce(
      (state, added) => monitorReducer(state, { type: 'connection', change: { type: 'connected', connection: added } }),
      live,
    );
    expect(twice.connectionCount).toBe(2);
    expect(twice.connections.map(({ id }) => id)).toEqual(['a', 'b']);
    const left = monitorReducer(twice, { type: 'connection', change: { type: 'disconnected', connection: connection('b') } });
    expect(left.connectionCount).toBe(1);
    // A disconnection of a socket it never listed changes no count.
    expect(monitorReducer(left, { type: 'connection', change: { type: 'disconnected', connection: connection('z') } }).connectionCount).toBe(1);
  });

  it('puts each event first in the log, counts it at once, and keeps the last EVENT_LOG_SIZE', () => {
    let state = monitorReducer(live, { type: 'event', event: event('new', 'create') });
    expect(state.events.map(({ documentId }) => documentId)).toEqual(['new', 'old']);
    expect(state.totals['api::article.article']).toEqual({ create: 1, update: 0, delete: 0 });
    for (let index = 0; index < EVENT_LOG_SIZE + 5; index += 1) state = monitorReducer(state, { type: 'event', event: event(`n${index}`) });
    expect(state.events).toHaveLength(EVENT_LOG_SIZE);
    expect(state.events[0]!.documentId).toBe(`n${EVENT_LOG_SIZE + 4}`);
    expect(totalEvents(state.totals)).toBe(EVENT_LOG_SIZE + 6);
  });

  it("takes the server's figures each second over its own counting", () => {
    const counted = monitorReducer(live, { type: 'event', event: event('x') });
    const totals = { 'api::article.article': { create: 0, update: 7, delete: 0 } };
    expect(monitorReducer(counted, { type: 'stats', stats: { connections: 4, eventsPerSecond: 1.5, totals } })).toMatchObject({
      connectionCount: 4,
      eventsPerSecond: 1.5,
      totals,
    });
  });

  it('keeps the last numbers on screen while reconnecting', () => {
    const dropped = monitorReducer(live, { type: 'status', status: 'connecting', error: 'transport close' });
    expect(dropped).toMatchObject({ status: 'connecting', error: 'transport close', connectionCount: 1, connections: live.connections });
  });
});
