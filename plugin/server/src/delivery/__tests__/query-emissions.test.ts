import { describe, expect, it } from 'vitest';
import type { AccessControl } from '../../auth/access-control';
import type { LiveQuery } from '../../subscriptions/live-query-registry';
import { EARLY_ROOMS, createQueryEmissions } from '../query-emissions';
import type { Emission } from '../query-emissions';

const UID = 'api::article.article';
const KEY = { documentId: 'doc', locale: null, status: 'published' as const };

/** A live query matching states whose `n` is in [min, max]; `late` ones cannot be matched on states. */
function query(id: string, min: number, max: number, rooms: [group: string, subscription: string][], late = false): LiveQuery {
  const byGroup = new Map<string, Map<string, string>>();
  for (const [group, subscription] of rooms) {
    const groupRooms = byGroup.get(group) ?? new Map<string, string>();
    groupRooms.set(`room:${group}:${id}:${subscription}`, subscription);
    byGroup.set(group, groupRooms);
  }
  return { id, def: { id }, compiled: { min, max, late }, rooms: byGroup, roomList: undefined } as unknown as LiveQuery;
}

type State = { n: number } | null;
const matches = (state: State) => (q: LiveQuery) => {
  const { min, max, late } = q.compiled as unknown as { min: number; max: number; late: boolean };
  if (state === null) return false;
  return late ? undefined : state.n >= min && state.n <= max;
};

/**
 * Groups `a` and `b` read the type, `c` may not; `z` is not among the node's groups yet. `known`:
 * the groups whose right the access control can say without waiting (none by default).
 */
function setup(now: Record<string, boolean> = {}, known: string[] = []) {
  const asked: string[] = [];
  const access = {
    groupKeys: () => ['a', 'b', 'c'],
    canRead: async (group: string) => {
      asked.push(group);
      return group !== 'c';
    },
    knownRight: (group: string) => (known.includes(group) ? group !== 'c' : undefined),
  } as unknown as AccessControl;
  const emissions = createQueryEmissions({
    access,
    queries: { matcherOf: (state) => matches(state as State), matchesNow: async (q) => now[q.id] },
  });
  return { emissions, asked };
}

const shape = (list: Awaited<ReturnType<ReturnType<typeof createQueryEmissions>['fromStates']>>) =>
  list.map(({ groupKey, action, subscription, targets }) => ({ groupKey, action, subscription, targets: [...targets].sort() }));

describe('emissions for the live queries a change reaches', () => {
  it('says enter, change and leave per query, one emission per group, action and subscription id', async () => {
    const { emissions } = setup();
    const candidates = [
      query('enters', 5, 9, [['a', '1']]),
      query('stays', 0, 9, [['a', '1'], ['b', '2']]),
      query('stays-too', 0, 20, [['a', '1']]),
      query('leaves', 0, 3, [['b', '1']]),
      query('never', 50, 60, [['a', '1']]),
      query('unreadable', 0, 9, [['c', '1']]),
      query('no-rooms', 0, 9, []),
    ];
    const list = await emissions.fromStates(UID, candidates, { n: 2 } as never, { n: 7 } as never, KEY);
    expect(shape(list)).toEqual([
      { groupKey: 'a', action: 'create', subscription: '1', targets: ['room:a:enters:1'] },
      { groupKey: 'a', action: 'update', subscription: '1', targets: ['room:a:stays-too:1', 'room:a:stays:1'] },
      { groupKey: 'b', action: 'update', subscription: '2', targets: ['room:b:stays:2'] },
      { groupKey: 'b', action: 'delete', subscription: '1', targets: ['room:b:leaves:1'] },
    ]);
  });

  it('keeps only entering and leaving for a related change, and asks the database what the states cannot say', async () => {
    const { emissions } = setup({ 'late-in': true, 'late-out': false });
    const candidates = [
      query('enters', 5, 9, [['a', '1']]),
      query('stays', 0, 9, [['a', '1']]),
      query('late-in', 0, 0, [['a', '3']], true),
      query('late-out', 0, 0, [['b', '4']], true),
      query('late-unknown', 0, 0, [['a', '5']], true),
    ];
    const list = await emissions.fromStates(UID, candidates, { n: 2 } as never, { n: 7 } as never, KEY, true);
    expect(shape(list)).toEqual([
      { groupKey: 'a', action: 'create', subscription: '1', targets: ['room:a:enters:1'] },
      { groupKey: 'a', action: 'create', subscription: '3', targets: ['room:a:late-in:3'] },
      { groupKey: 'b', action: 'delete', subscription: '4', targets: ['room:b:late-out:4'] },
    ]);
  });

  it('waits for no right the access control already knows', async () => {
    const { emissions, asked } = setup({}, ['a', 'b', 'c']);
    const candidates = [query('stays', 0, 9, [['a', '1'], ['b', '2']]), query('unreadable', 0, 9, [['c', '1']]), query('enters', 5, 9, [['a', '1']])];
    const list = await emissions.fromStates(UID, candidates, { n: 2 } as never, { n: 7 } as never, KEY);
    expect(asked).toEqual([]);
    expect(shape(list)).toEqual([
      { groupKey: 'a', action: 'update', subscription: '1', targets: ['room:a:stays:1'] },
      { groupKey: 'b', action: 'update', subscription: '2', targets: ['room:b:stays:2'] },
      { groupKey: 'a', action: 'create', subscription: '1', targets: ['room:a:enters:1'] },
    ]);
    // One group known, one not: only the unknown one is asked.
    const mixed = setup({}, ['a']);
    await mixed.emissions.fromStates(UID, [query('both', 0, 9, [['a', '1'], ['b', '1']])], null, { n: 1 } as never, KEY);
    expect(mixed.asked).toEqual(['b']);
  });

  it('sends an emission in parts while the rest is matched, each room once, later parts marked as the same event', async () => {
    let matched = 0;
    const access = { canRead: async () => true, knownRight: () => true } as unknown as AccessControl;
    const emissions = createQueryEmissions({
      access,
      queries: {
        matcherOf: (state) => (q) => {
          matched += 1;
          return matches(state as State)(q);
        },
        matchesNow: async () => undefined,
      },
    });
    const count = EARLY_ROOMS * 2 + 500;
    const candidates = Array.from({ length: count }, (_, i) => query(`q${i}`, 0, 9, [['a', '1']]));
    const parts: { part: Emission; matchedBy: number }[] = [];
    const rest = await emissions.fromStates(UID, candidates, { n: 1 } as never, { n: 2 } as never, KEY, false, async (part) => {
      parts.push({ part, matchedBy: matched });
    });
    // The first part left once its rooms were matched (two states each), not after every query.
    expect(parts.map(({ part, matchedBy }) => [part.targets.length, part.continued, matchedBy])).toEqual([
      [EARLY_ROOMS, undefined, EARLY_ROOMS * 2],
      [EARLY_ROOMS, true, EARLY_ROOMS * 4],
    ]);
    expect(rest.map(({ targets, continued, action }) => [targets.length, continued, action])).toEqual([[500, true, 'update']]);
    const rooms = [...parts.flatMap(({ part }) => part.targets), ...rest[0]!.targets];
    expect(new Set(rooms).size).toBe(count);
    // Without a sender, one emission with every room.
    const whole = await emissions.fromStates(UID, candidates, { n: 1 } as never, { n: 2 } as never, KEY);
    expect(whole.map(({ targets, continued }) => [targets.length, continued])).toEqual([[count, undefined]]);
  });

  it('asks the right of the groups of the queries reached only, once each', async () => {
    const { emissions, asked } = setup();
    const list = await emissions.fromStates(UID, [query('elsewhere', 0, 9, [['z', '1']])], null, { n: 1 } as never, KEY);
    expect(asked).toEqual(['z']);
    expect(shape(list)).toEqual([{ groupKey: 'z', action: 'create', subscription: '1', targets: ['room:z:elsewhere:1'] }]);
  });

  it('reads the database for every query when the states were not read', async () => {
    const { emissions } = setup({ in: true, out: false });
    const list = await emissions.fromDatabase(UID, [query('in', 0, 0, [['a', '1']]), query('out', 0, 0, [['a', '2']]), query('gone', 0, 0, [['a', '3']])], KEY);
    expect(shape(list)).toEqual([
      { groupKey: 'a', action: 'create', subscription: '1', targets: ['room:a:in:1'] },
      { groupKey: 'a', action: 'delete', subscription: '2', targets: ['room:a:out:2'] },
    ]);
  });
});
