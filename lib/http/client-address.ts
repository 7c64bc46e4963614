import { isIP } from 'node:net';

/**
 * The client's address, as far as it can be known (ASVS 4.0 V14.5, V7.1: logs and throttles must
 * not take a forgeable address). A forwarding header (`X-Forwarded-For`, `X-Real-IP`) is read only
 * when the connection itself comes from a proxy listed in `TRUSTED_PROXIES` (addresses or CIDR
 * ranges, comma-separated; default none): then the address is the right-most hop of
 * `X-Forwarded-For` that is not itself a trusted proxy. Otherwise it is the connection's own peer,
 * whatever the request says.
 *
 * The production server (scripts/server.ts) resolves it once per request from the socket and
 * passes it on in `CLIENT_ADDRESS_HEADER`, which it always overwrites; code inside Next.js reads
 * only that header.
 */
export const CLIENT_ADDRESS_HEADER = 'x-foresight-client-address';

interface Range {
  version: 4 | 6;
  bits: bigint;
  prefix: number;
}

/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) as `1.2.3.4`; anything else unchanged. */
export function normaliseAddress(address: string): string {
  const a = address.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return mapped ? mapped[1] : a;
}

function toBits(address: string): { version: 4 | 6; bits: bigint } | null {
  const a = normaliseAddress(address);
  const version = isIP(a);
  if (version === 4) {
    const parts = a.split('.').map(Number);
    return { version: 4, bits: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (version === 6) {
    // Embedded IPv4 tails (::ffff:1.2.3.4) become their two 16-bit groups, then `::` is expanded.
    const withoutV4 = a.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, p, q, r, s) => `${((+p << 8) | +q).toString(16)}:${((+r << 8) | +s).toString(16)}`);
    const [head, tail] = withoutV4.split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
    return { version: 6, bits: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n) };
  }
  return null;
}

/**
 * Parses `TRUSTED_PROXIES`: `10.0.0.0/8, 127.0.0.1, ::1, fd00::/8`. `loopback` stands for
 * 127.0.0.0/8 and ::1.
 * @throws Error naming the first entry that is not an address or a range.
 */
export function parseTrustedProxies(raw: string | undefined): Range[] {
  const ranges: Range[] = [];
  for (const entry of (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (entry === 'loopback') {
      ranges.push(...parseTrustedProxies('127.0.0.0/8,::1'));
      continue;
    }
    const [addr, prefixText] = entry.split('/');
    const parsed = toBits(addr);
    const max = parsed?.version === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!parsed || !Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
      throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or a CIDR range (e.g. 10.0.0.0/8)`);
    }
    ranges.push({ version: parsed.version, bits: parsed.bits >> BigInt(max - prefix), prefix });
  }
  return ranges;
}

function inRanges(address: string, ranges: readonly Range[]): boolean {
  const parsed = toBits(address);
  if (!parsed) return false;
  const max = parsed.version === 4 ? 32 : 128;
  return ranges.some((r) => r.version === parsed.version && parsed.bits >> BigInt(max - r.prefix) === r.bits);
}

let cached: { raw: string | undefined; ranges: Range[] } | undefined;
function trustedRanges(): Range[] {
  const raw = process.env.TRUSTED_PROXIES;
  if (!cached || cached.raw !== raw) cached = { raw, ranges: parseTrustedProxies(raw) };
  return cached.ranges;
}

/**
 * The client address of a connection from `peer` carrying these forwarding headers.
 * @param peer the socket's remote address
 * @param forwardedFor the `X-Forwarded-For` header (all of its values joined by commas), if any
 * @param realIp the `X-Real-IP` header, if any (used only when there is no `X-Forwarded-For`)
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | null | undefined, realIp?: string | null, ranges: readonly Range[] = trustedRanges()): string {
  const direct = normaliseAddress(peer ?? '');
  if (!direct || ranges.length === 0 || !inRanges(direct, ranges)) return direct;
  const hops = (forwardedFor ?? '').split(',').map((s) => normaliseAddress(s)).filter(Boolean);
  if (hops.length === 0) {
    const real = normaliseAddress(realIp ?? '');
    return real && isIP(real) ? real : direct;
  }
  // Right to left: each trusted proxy appended the address it saw; the first one that is not a
  // trusted proxy is the client. Anything further left was written by the client itself.
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isIP(hops[i])) return direct;
    if (!inRanges(hops[i], ranges)) return hops[i];
  }
  return hops[0];
}
