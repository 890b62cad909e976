import { describe, expect, it } from 'vitest';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { connect, record, useExampleApp } from 'example-strapi-app/testing';

/**
 * Abuse with a bystander, with the default limits: 200 Public sockets each hold 25 distinct live
 * queries (5,000 in all, every one matching the written articles) while a normal client waits for
 * an update. Bounds are generous (a loaded 2-core machine); the real figures are printed.
 */
const ARTICLE = 'api::article.article';
const SOCKETS = 200;
const QUERIES_PER_SOCKET = 25;
const example = useExampleApp({ seed: false, ioConfig: { contentTypes: [ARTICLE] } });

describe('abuse with a bystander', () => {
  it(`${SOCKETS} Public sockets holding ${SOCKETS * QUERIES_PER_SOCKET} live queries: a bystander still gets each update within a second`, { timeout: 120_000 }, async () => {
    const { app } = example;
    const sockets: Socket[] = [];
    try {
      for (let batch = 0; batch < SOCKETS; batch += 50) {
        sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, SOCKETS - batch) }, () => connect(app.url)))));
      }
      const subscribeStarted = Date.now();
      await Promise.all(
        sockets.map(async (socket, s) => {
          for (let q = 0; q < QUERIES_PER_SOCKET; q++) {
            // Distinct queries that all match what the bystander's writes touch.
            const ack = await socket.emitWithAck('subscribe', { uid: ARTICLE, filters: { title: { $startsWith: 'Abused' }, body: { $ne: `socket ${s} query ${q}` } } });
            if (!ack.success) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
          }
        }),
      );
      const subscribeMs = Date.now() - subscribeStarted;
      expect(app.strapi.$io.stats().liveQueries).toBe(SOCKETS * QUERIES_PER_SOCKET);

      const bystander = await connect(app.url);
      sockets.push(bystander);
      const received = record(bystander);
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const latencies: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        const { documentId } = await app.strapi.documents(ARTICLE).create({ data: { title: `Abused ${i}` }, status: 'published' });
        await expect
          .poll(() => received.some(({ event, args }) => event === 'article:create' && (args[0] as { documentId: string }).documentId === documentId), { timeout: 10_000, interval: 5 })
          .toBe(true);
        latencies.push(Date.now() - started);
      }
      loop.disable();
      const stallMs = loop.max / 1e6;
      console.log(
        `${SOCKETS} sockets × ${QUERIES_PER_SOCKET} live queries (subscribed in ${subscribeMs} ms): bystander's updates arrived in ${latencies.join(', ')} ms; ` +
          `longest event-loop stall (server and ${SOCKETS + 1} clients in one process) ${stallMs.toFixed(0)} ms`,
      );
      expect(Math.max(...latencies), 'the slowest update to the bystander').toBeLessThan(1_000);
      expect(stallMs, 'the longest event-loop stall').toBeLessThan(200);
    } finally {
      sockets.forEach((socket) => socket.close());
    }
  });
});
