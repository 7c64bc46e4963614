import { describe, it, expect } from 'vitest';
import { clientAddress, parseTrustedProxies } from '@/lib/http/client-address';
import { crossSiteRefusal, hasSessionCookie } from '@/lib/http/same-origin';
import { safeReturnPath } from '@/lib/http/return-path';

describe('client address (TRUSTED_PROXIES)', () => {
  const none = parseTrustedProxies(undefined);
  const proxies = parseTrustedProxies('10.0.0.0/8, 127.0.0.1, fd00::/8');

  it('ignores forwarding headers when no proxy is trusted: the peer is the client', () => {
    expect(clientAddress('203.0.113.7', '1.2.3.4', '5.6.7.8', none)).toBe('203.0.113.7');
    expect(clientAddress('::ffff:203.0.113.7', '1.2.3.4', null, none)).toBe('203.0.113.7');
  });

  it('ignores them from a peer that is not a trusted proxy', () => {
    expect(clientAddress('198.51.100.1', '1.2.3.4', null, proxies)).toBe('198.51.100.1');
  });

  it('takes the right-most untrusted hop behind trusted proxies, never what the client prepended', () => {
    // The client forged "6.6.6.6"; the trusted proxy 10.1.2.3 appended the address it saw.
    expect(clientAddress('10.1.2.3', '6.6.6.6, 198.51.100.9', null, proxies)).toBe('198.51.100.9');
    expect(clientAddress('127.0.0.1', '6.6.6.6, 198.51.100.9, 10.0.0.5', null, proxies)).toBe('198.51.100.9');
    expect(clientAddress('fd00::1', '2001:db8::7', null, proxies)).toBe('2001:db8::7');
    expect(clientAddress('10.1.2.3', '', '198.51.100.4', proxies)).toBe('198.51.100.4');
  });

  it('falls back to the peer when a hop is not an address', () => {
    expect(clientAddress('10.1.2.3', 'evil<script>', null, proxies)).toBe('10.1.2.3');
  });

  it('refuses a setting that is not an address or range, naming it', () => {
    expect(() => parseTrustedProxies('10.0.0.0/8, nonsense')).toThrow(/"nonsense"/);
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow(/10.0.0.0\/33/);
    expect(parseTrustedProxies('loopback')).toHaveLength(2);
  });
});

describe('cross-site refusal', () => {
  const base = { method: 'POST', host: 'app.example:3000', origin: null, secFetchSite: null, referer: null, publicOrigins: [] as string[] };

  it('lets safe methods through whatever their origin', () => {
    expect(crossSiteRefusal({ ...base, method: 'GET', origin: 'http://evil.test' })).toBeNull();
  });

  it('accepts the app\'s own origin by Origin, Sec-Fetch-Site or Referer', () => {
    expect(crossSiteRefusal({ ...base, origin: 'http://app.example:3000' })).toBeNull();
    expect(crossSiteRefusal({ ...base, secFetchSite: 'same-origin' })).toBeNull();
    expect(crossSiteRefusal({ ...base, referer: 'http://app.example:3000/admin/api-keys' })).toBeNull();
    expect(crossSiteRefusal({ ...base, origin: 'https://public.example', publicOrigins: ['https://public.example/'] })).toBeNull();
  });

  it('refuses another site, a null origin, a sibling site and a request that proves nothing', () => {
    expect(crossSiteRefusal({ ...base, origin: 'http://evil.test' })).toMatch(/another site/);
    expect(crossSiteRefusal({ ...base, origin: 'null' })).toMatch(/another site/);
    expect(crossSiteRefusal({ ...base, origin: 'http://app.example:3001' })).toMatch(/another site/);
    expect(crossSiteRefusal({ ...base, secFetchSite: 'same-site' })).toMatch(/another site/);
    expect(crossSiteRefusal({ ...base, secFetchSite: 'cross-site' })).toMatch(/another site/);
    expect(crossSiteRefusal({ ...base, referer: 'http://evil.test/x' })).toMatch(/another site/);
    expect(crossSiteRefusal(base)).toMatch(/no Origin/);
    // Origin wins over a same-origin Referer an attacker cannot set anyway.
    expect(crossSiteRefusal({ ...base, origin: 'http://evil.test', referer: 'http://app.example:3000/' })).toMatch(/another site/);
  });

  it('knows the session cookie, chunked or secure, and nothing else', () => {
    expect(hasSessionCookie('a=1; next-auth.session-token=x')).toBe(true);
    expect(hasSessionCookie('__Secure-next-auth.session-token.0=x')).toBe(true);
    expect(hasSessionCookie('next-auth.csrf-token=x; theme=dark')).toBe(false);
    expect(hasSessionCookie(undefined)).toBe(false);
  });
});

describe('return path after sign-in', () => {
  it.each([
    ['/forecasts?store=1&item=a%20b&horizon=60', '/forecasts?store=1&item=a%20b&horizon=60'],
    ['/models#history', '/models#history'],
    ['/a/../admin', '/admin'],
  ])('keeps the same-origin path %s', (raw, kept) => {
    expect(safeReturnPath(raw)).toBe(kept);
  });

  it.each([
    '/\t/evil.test',
    '/\n/evil.test',
    '/%09/evil.test',
    '/%0A/evil.test',
    '//evil.test',
    '///evil.test',
    '/\\evil.test',
    '/%5Cevil.test',
    '/%2F%2Fevil.test',
    '%2F%2Fevil.test',
    '/%252F%252Fevil.test',
    'http://evil.test',
    'https:evil.test',
    'javascript:alert(1)',
    ' /forecasts',
    '/%E0%A4%A',
    `/${'a'.repeat(3000)}`,
    '',
  ])('refuses %j', (raw) => {
    expect(safeReturnPath(raw)).toBe('/');
  });

  it('takes the first of repeated values and refuses what is not a string', () => {
    expect(safeReturnPath(['/models', '//evil.test'])).toBe('/models');
    expect(safeReturnPath(undefined, '/platform')).toBe('/platform');
    expect(safeReturnPath(42)).toBe('/');
  });
});
