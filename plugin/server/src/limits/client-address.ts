/**
 * Who is connecting, by address: read from the TCP connection, or from `X-Forwarded-For` only as
 * far as the app trusts its proxies (`trustProxy`: how many of them stand in front of Strapi).
 * Anyone can send that header; trusting more hops than there are proxies lets a client choose its
 * address. No sockets here.
 */
export function clientAddress(remoteAddress: string, forwardedFor: string | string[] | undefined, trustedHops: number): string {
  const direct = normalize(remoteAddress);
  if (trustedHops <= 0 || forwardedFor === undefined) return direct;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  // The last proxy appends who it saw; each trusted proxy before it did the same.
  const index = hops.length - trustedHops;
  return index >= 0 ? normalize(hops[index]!) : hops.length > 0 ? normalize(hops[0]!) : direct;
}

/** `::ffff:127.0.0.1` → `127.0.0.1`: one address, one spelling. */
function normalize(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

/** Whether `address` is one of `entries`: exact addresses, or IPv4 ranges written `a.b.c.d/bits`. */
export function addressMatches(address: string, entries: readonly string[]): boolean {
  for (const entry of entries) {
    if (entry === address) return true;
    const slash = entry.indexOf('/');
    if (slash === -1) continue;
    const base = ipv4(entry.slice(0, slash));
    const own = ipv4(address);
    const bits = Number(entry.slice(slash + 1));
    if (base === undefined || own === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) continue;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if (((base & mask) >>> 0) === ((own & mask) >>> 0)) return true;
  }
  return false;
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value >>> 0;
}

/** Whether `entry` is an address or an IPv4 range this module understands (for config validation). */
export function isAddressEntry(entry: unknown): entry is string {
  if (typeof entry !== 'string' || entry.length === 0 || entry.length > 64) return false;
  const [base, bits, ...rest] = entry.split('/');
  if (rest.length > 0) return false;
  if (bits !== undefined) return ipv4(base!) !== undefined && /^\d{1,2}$/.test(bits) && Number(bits) <= 32;
  return ipv4(base!) !== undefined || /^[0-9a-fA-F:]+$/.test(base!);
}
