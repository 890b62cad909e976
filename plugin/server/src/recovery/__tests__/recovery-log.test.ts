import { describe, expect, it } from 'vitest';
import { createRecoveryLog, mergeMissed, reaches } from '../recovery-log';

const rooms = (...names: string[]) => new Set(names);

describe('the recovery log', () => {
  it('gives offsets of its own and returns what a socket missed after one, oldest first', () => {
    const log = createRecoveryLog({ tag: 'node1', windowMs: 60_000 });
    const first = log.record(['a:update', { n: 1 }], { rooms: ['r1'] }, 'event:1');
    log.record(['a:update', { n: 2 }], { rooms: ['r2'] }, 'event:2');
    log.record(['a:update', { n: 3 }], { rooms: ['r1', 'r3'] }, 'event:3');
    log.record(['b:update', { n: 4 }], { rooms: [] }, undefined);
    expect(first).toBe('node1.0');
    expect(log.holds(first)).toBe(true);
    expect(log.after(first, rooms('r1', 'sid'))?.map(({ data }) => data)).toEqual([
      ['a:update', { n: 3 }],
      // No rooms: sent to everyone.
      ['b:update', { n: 4 }],
    ]);
  });

  it('does not know offsets of another node, of the future or trimmed away', () => {
    let now = 1_000;
    const log = createRecoveryLog({ tag: 'node1', windowMs: 100, now: () => now });
    const old = log.record(['e'], { rooms: ['r'] }, undefined);
    expect(log.after('node2.0', rooms('r'))).toBeUndefined();
    expect(log.after('node1.5', rooms('r'))).toBeUndefined();
    expect(log.after('node1.x', rooms('r'))).toBeUndefined();
    expect(log.after('1700000000000-0', rooms('r'))).toBeUndefined();
    now += 500;
    const recent = log.record(['e'], { rooms: ['r'] }, undefined);
    expect(log.holds(old)).toBe(false);
    expect(log.holds(recent)).toBe(true);
    expect(log.size).toBe(1);
    expect(log.after(recent, rooms('r'))).toEqual([]);
  });

  it('follows Socket.IO: a room in except keeps the packet from the socket', () => {
    expect(reaches(rooms('r1', 'me'), { rooms: ['r1'], except: ['me'] })).toBe(false);
    expect(reaches(rooms('r1'), { rooms: ['r1'], except: ['other'] })).toBe(true);
    expect(reaches(rooms('r2'), { rooms: ['r1'], except: [] })).toBe(false);
  });

  it('returns what was recorded since a mark', () => {
    const log = createRecoveryLog({ tag: 'n', windowMs: 60_000 });
    log.record(['before'], { rooms: ['r'] }, undefined);
    const mark = log.mark();
    log.record(['after'], { rooms: ['r'] }, 'event:9');
    log.record(['elsewhere'], { rooms: ['x'] }, undefined);
    expect(log.since(mark, rooms('r')).map(({ data, key }) => [data, key])).toEqual([[['after'], 'event:9']]);
  });
});

describe('merging what a moved socket missed', () => {
  it("keeps the old node's packets, then the new node's that carry another change", () => {
    const old = [
      { data: ['x:update', 1], key: 'event:a' },
      { data: ['x:update', 1, 'entity'], key: 'event:a' },
      { data: ['x:update', 2], key: 'event:b' },
    ];
    const fresh = [
      { data: ['x:update', 2], key: 'event:b' },
      { data: ['x:update', 3], key: 'event:c' },
      { data: ['custom'], key: undefined },
    ];
    expect(mergeMissed(old, fresh).map(({ data }) => data)).toEqual([
      ['x:update', 1],
      ['x:update', 1, 'entity'],
      ['x:update', 2],
      ['x:update', 3],
      ['custom'],
    ]);
  });
});
