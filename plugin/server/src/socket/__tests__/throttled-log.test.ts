import { describe, expect, it } from 'vitest';
import { createThrottledLog } from '../throttled-log';

describe('a throttled log', () => {
  it('writes a kind once per window, then says how many it left out', () => {
    const lines: string[] = [];
    let time = 0;
    const log = createThrottledLog((line) => lines.push(line), 60_000, () => time);
    for (let i = 0; i < 1_000; i++) log('subscribe', () => `failure ${i}`);
    log('unsubscribe', () => 'other kind');
    time = 61_000;
    log('subscribe', () => 'again');
    expect(lines).toEqual(['failure 0', 'other kind', 'again (999 more like it in the last 61 s were not logged)']);
  });
});
