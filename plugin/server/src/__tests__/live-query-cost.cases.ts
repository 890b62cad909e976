/**
 * What a write costs the live queries: the database statements it runs and the filters it
 * evaluates must not grow with the number of live queries that exist, only with those it reaches.
 * Counted with knex's own query events (every SQL statement Strapi sends) and the plugin's stats.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Socket } from 'socket.io-client';
import { contentEvents, settle } from 'example-strapi-app/testing';
import type { ExampleApp, Received, useExampleApp } from 'example-strapi-app/testing';

import { dialectOf } from '../live-queries/model-info';
import { inSavepoint } from '../live-queries/savepoint';

const ARTICLE = 'api::article.article';

/** The cases, on whichever database `example` booted with (one test file per database). */
export function describeLiveQueryCost(example: ReturnType<typeof useExampleApp>): void {
  let app: ExampleApp;

  beforeAll(() => {
    app = example.app;
  });

  /** SQL statements (by kind) and plugin counters during `work`. */
  async function cost(sockets: Socket[], work: () => Promise<unknown>) {
    const statements: string[] = [];
    const onQuery = (query: { sql: string }) => statements.push(query.sql.trim().split(/\s+/)[0]!.toLowerCase());
    const knex = app.strapi.db.connection;
    const before = { ...app.strapi.$io.stats() };
    knex.on('query', onQuery);
    try {
      await work();
      await settle(app.strapi, ...sockets);
    } finally {
      knex.off('query', onQuery);
    }
    const after = app.strapi.$io.stats();
    return {
      selects: statements.filter((kind) => kind === 'select').length,
      evaluated: after.evaluated - before.evaluated,
      emitted: after.emitted - before.emitted,
      stateReads: after.stateReads - before.stateReads,
      fallbackReads: after.fallbackReads - before.fallbackReads,
    };
  }

  /** `count` sockets holding `perSocket` distinct per-user live queries each: `{ slug: { $eq: 'owner-<n>' } }`. */
  async function perUserQueries(prefix: string, count: number, perSocket: number): Promise<{ sockets: Socket[]; received: Received[][] }> {
    const sockets: Socket[] = [];
    const received: Received[][] = [];
    for (let s = 0; s < count; s += 1) {
      const { socket, received: events } = await example.listen();
      for (let q = 0; q < perSocket; q += 1) {
        const ack = await socket.emitWithAck('subscribe', {
          uid: ARTICLE,
          filters: { slug: { $eq: `${prefix}-${s * perSocket + q}` } },
        });
        expect(ack.success).toBe(true);
      }
      sockets.push(socket);
      received.push(events);
    }
    return { sockets, received };
  }

  const update = (documentId: string, title: string) => app.strapi.documents(ARTICLE).update({ documentId, data: { title }, status: 'published' });

  describe('the cost of a write to live queries', () => {
    it('runs the same SQL and evaluates the same filters with 1 live query or 300 distinct ones', async () => {
      const one = await perUserQueries('one', 1, 1);
      const doc = await app.strapi.documents(ARTICLE).create({
        data: { title: 'Owned', slug: 'one-0' },
        status: 'published',
      });
      await settle(app.strapi, ...one.sockets);
      const withOne = await cost(one.sockets, () => update(doc.documentId, 'Owned, edited'));

      const many = await perUserQueries('many', 3, 100);
      const withMany = await cost([...one.sockets, ...many.sockets], () => update(doc.documentId, 'Owned, edited again'));
      console.info(
        `one write, 1 vs 301 live queries: ${withOne.selects} vs ${withMany.selects} SELECTs, ${withOne.evaluated} vs ${withMany.evaluated} filter evaluations, ${withMany.stateReads} state reads`,
      );

      expect(withMany.selects).toBe(withOne.selects);
      expect(withMany.evaluated).toBe(withOne.evaluated);
      // The written document's states, before and after the write: one read each.
      expect(withMany.stateReads).toBe(2);
      expect(withMany.fallbackReads).toBe(0);
      expect(contentEvents(one.received[0]!).map(({ event }) => event)).toEqual(['article:create', 'article:update', 'article:update']);
      for (const events of many.received) expect(contentEvents(events)).toEqual([]);
    });

    it('sends one packet for a write that reaches many sockets, each through its own query, as for one shared query', async () => {
      const listeners = [];
      for (let i = 0; i < 20; i += 1) {
        const listener = await example.listen();
        const ack = await listener.socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { slug: { $eq: 'overlap' }, title: { $ne: `never-${i}` } } });
        if (!ack.success) throw new Error(ack.error.message);
        listeners.push({ ...listener, id: ack.id });
      }
      const doc = await app.strapi.documents(ARTICLE).create({ data: { title: 'Overlap', slug: 'overlap' }, status: 'published' });
      await settle(app.strapi, ...listeners.map(({ socket }) => socket));
      const written = await cost(
        listeners.map(({ socket }) => socket),
        () => update(doc.documentId, 'Overlap, edited'),
      );
      console.info(`one write reaching 20 sockets on 20 distinct queries: ${written.emitted} emit(s), ${written.evaluated} filter evaluations`);
      expect(written.emitted).toBe(1);
      for (const { received, id } of listeners) {
        expect(contentEvents(received).map(({ event, args }) => [event, (args[1] as { subscription?: string }).subscription])).toEqual([
          ['article:create', id],
          ['article:update', id],
        ]);
      }
    });

    it('asks the database in one statement per state for every query the matcher cannot decide, and agrees with REST', async () => {
      // LIKE on a datetime compares the database's own text form of it: only the database can tell.
      const digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
      const filtersOf = (digit: string) => ({
        title: { $startsWith: 'Fallback' },
        createdAt: { $containsi: digit },
      });
      const { socket, received } = await example.listen();
      const ids = new Map<string, string>();
      for (const digit of digits)
        ids.set(
          (
            await socket.emitWithAck('subscribe', {
              uid: ARTICLE,
              filters: filtersOf(digit),
            })
          ).id,
          digit,
        );
      const fallbacksBefore = app.strapi.$io.stats().fallbackReads;
      const doc = await app.strapi.documents(ARTICLE).create({ data: { title: 'Fallback one' }, status: 'published' });
      await settle(app.strapi, socket);
      // Created published: one state (its published row) to ask about, for all ten queries at once.
      expect(app.strapi.$io.stats().fallbackReads - fallbacksBefore).toBe(1);
      const reached = contentEvents(received)
        .map(({ args }) => ids.get((args[1] as { subscription: string }).subscription))
        .sort();
      const expected: string[] = [];
      for (const digit of digits) {
        const found = await app.strapi.documents(ARTICLE).findMany({
          filters: {
            $and: [filtersOf(digit), { documentId: doc.documentId }],
          },
        });
        if (found.length > 0) expected.push(digit);
      }
      expect(expected.length).toBeGreaterThan(0);
      expect(reached).toEqual(expected);
    });

    it('refuses at subscribe a filter the database would refuse, and a failing read never breaks a write', async () => {
      const { socket } = await example.listen();
      // PostgreSQL cannot compare an integer column with 'abc'; SQLite can (integers sort first).
      const ack = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { id: { $lt: 'abc' } } });
      if (dialectOf(app.strapi) === 'postgres') expect(ack).toMatchObject({ success: false, error: { code: 'INVALID_QUERY' } });
      else expect(ack.success).toBe(true);
      // What the live queries read inside a write runs under a savepoint: a failure there leaves the
      // transaction usable (PostgreSQL would otherwise abort it, and the write with it).
      await app.strapi.db.transaction(async ({ trx }) => {
        const outcome = await inSavepoint(trx, () => trx.raw('select * from no_such_table'));
        expect(outcome.ok).toBe(false);
        await trx.raw('select 1');
      });
    });

    it('forgets a live query once nobody holds it: a write of its type then reads no state', async () => {
      const { socket } = await example.listen();
      expect((await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { slug: { $eq: 'gone-soon' } } })).success).toBe(true);
      const id = socket.id!;
      socket.close();
      await vi.waitFor(() => expect(app.strapi.$io.server.of('/').sockets.has(id)).toBe(false));
      // Every other test's sockets are closed too (after each test): no live query is left.
      const before = app.strapi.$io.stats().stateReads;
      await app.strapi.documents(ARTICLE).create({ data: { title: 'Nobody listens', slug: 'gone-soon' }, status: 'published' });
      await app.strapi.$io.idle();
      expect(app.strapi.$io.stats().stateReads - before).toBe(0);
    });

    it('subscribing reads no documents, however many match', async () => {
      for (let i = 0; i < 50; i += 1) await app.strapi.documents(ARTICLE).create({ data: { title: `Match ${i}` }, status: 'published' });
      const { socket } = await example.listen();
      const statements: string[] = [];
      const onQuery = (query: { sql: string }) => statements.push(query.sql);
      app.strapi.db.connection.on('query', onQuery);
      try {
        expect(
          (
            await socket.emitWithAck('subscribe', {
              uid: ARTICLE,
              filters: { title: { $startsWith: 'Match' } },
            })
          ).success,
        ).toBe(true);
      } finally {
        app.strapi.db.connection.off('query', onQuery);
      }
      expect(statements.filter((sql) => /from\s+[`"]?articles[`"]?/i.test(sql))).toEqual([]);
    });
  });
}
