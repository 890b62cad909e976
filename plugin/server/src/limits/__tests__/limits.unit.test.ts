import { describe, expect, it } from 'vitest';
import { addressMatches, clientAddress, isAddressEntry } from '../client-address';
import { createTokenBucket } from '../token-bucket';

describe('a token bucket', () => {
  it('gives a burst at once, then the rate', () => {
    const bucket = createTokenBucket({ perSecond: 2, burst: 3 }, 0);
    expect([1, 2, 3, 4].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    expect(bucket.take(499)).toBe(false);
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(500)).toBe(false);
    // Never more than the burst, however long it waited.
    expect(Array.from({ length: 5 }, () => bucket.take(60_000))).toEqual([true, true, true, false, false]);
  });
});

describe('the client address', () => {
  it('is the TCP peer unless proxies are trusted, then as far back as they are', () => {
    expect(clientAddress('::ffff:127.0.0.1', '203.0.113.9', 0)).toBe('127.0.0.1');
    expect(clientAddress('10.0.0.2', '203.0.113.9', 1)).toBe('203.0.113.9');
    // A client that sends its own header cannot choose its address past the trusted proxy.
    expect(clientAddress('10.0.0.2', '1.2.3.4, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.2', '1.2.3.4, 203.0.113.9, 10.0.0.1', 2)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
  });

  it('matches exact addresses and IPv4 ranges', () => {
    expect(addressMatches('10.1.2.3', ['10.0.0.0/8'])).toBe(true);
    expect(addressMatches('11.1.2.3', ['10.0.0.0/8'])).toBe(false);
    expect(addressMatches('192.168.1.7', ['192.168.1.0/24', '1.1.1.1'])).toBe(true);
    expect(addressMatches('1.1.1.1', ['1.1.1.1'])).toBe(true);
    expect(addressMatches('::1', ['::1'])).toBe(true);
    expect(addressMatches('8.8.8.8', ['0.0.0.0/0'])).toBe(true);
    expect(addressMatches('::1', ['0.0.0.0/0'])).toBe(false);
  });

  it('knows what a valid list entry is', () => {
    expect(['1.2.3.4', '10.0.0.0/8', '::1', '2001:db8::1'].every(isAddressEntry)).toBe(true);
    expect(['', 'localhost', '1.2.3.4/33', '300.1.1.1', '1.2.3/8', 42].some(isAddressEntry)).toBe(false);
  });
});
