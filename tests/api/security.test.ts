import http from 'node:http';
import { describe, it, expect, beforeAll } from 'vitest';
import { inject } from 'vitest';
import { api, baseURL, makeKey, password, sessionCookie, signIn } from '../support/http';

/**
 * Issue 11 items 1-4 and 9, through the production server as an attacker would send them:
 * cross-site writes with a session cookie, redirects after sign-in, sessions that end, forged
 * addresses, and query strings that must be refused.
 */

/** A raw request from a chosen loopback address (the whole 127/8 is the machine's own). */
function rawRequest(path: string, init: { method?: string; headers?: Record<string, string>; body?: string; from?: string }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(path, baseURL());
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: init.method ?? 'GET', headers: init.headers, localAddress: init.from },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Signs in from a given loopback address (the sign-in throttle counts per address and account). */
async function signInFrom(from: string, email: string, pass: string, forwardedFor?: string): Promise<{ ok: boolean; error?: string }> {
  const csrf = await rawRequest('/api/auth/csrf', { from });
  const cookie = String(csrf.headers['set-cookie']?.map((c) => c.split(';')[0]).join('; ') ?? '');
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const res = await rawRequest('/api/auth/callback/credentials', {
    method: 'POST',
    from,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, ...(forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {}) },
    body: new URLSearchParams({ csrfToken, email, password: pass, json: 'true' }).toString(),
  });
  const url = (JSON.parse(res.body || '{}') as { url?: string }).url;
  const error = url ? (new URL(url).searchParams.get('error') ?? undefined) : undefined;
  const ok = !error && String(res.headers['set-cookie'] ?? '').includes('next-auth.session-token');
  return { ok, error };
}

/** Signs out the way the app's menu does: next-auth's CSRF token, then POST /api/auth/signout. */
async function signOut(cookie: string): Promise<Response> {
  const csrf = await fetch(`${baseURL()}/api/auth/csrf`, { headers: { Cookie: cookie } });
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(';')[0]);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  return fetch(`${baseURL()}/api/auth/signout`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: [cookie, ...csrfCookie].join('; '), Origin: baseURL() },
    body: new URLSearchParams({ csrfToken, json: 'true' }),
    redirect: 'manual',
  });
}

let adminCookie = '';
beforeAll(async () => {
  process.env.FORESIGHT_HOME = inject('home');
  const { createUser } = await import('@/lib/users');
  for (const email of ['leaver@other.test', 'changer@other.test', 'promoted@other.test', 'throttled@other.test']) {
    await createUser('other', { email, name: email.split('@')[0], role: 'viewer', password: 'Right-pass-2026' });
  }
  adminCookie = await sessionCookie('admin@demo.test');
});

describe('cross-site writes with a session cookie (item 1)', () => {
  const keyCount = async () => ((await (await api('/api/v1/apikeys', { cookie: adminCookie })).json()) as { keys: unknown[] }).keys.length;
  const body = JSON.stringify({ name: 'csrf probe', role: 'admin' });

  it('refuses a text/plain POST from another site and creates no key', async () => {
    const before = await keyCount();
    const res = await fetch(`${baseURL()}/api/v1/apikeys`, { method: 'POST', headers: { Cookie: adminCookie, Origin: 'http://evil.test', 'Content-Type': 'text/plain' }, body });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Cross-site request refused/);
    expect(await keyCount()).toBe(before);
  });

  it.each([
    ['Sec-Fetch-Site cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Sec-Fetch-Site same-site', { 'Sec-Fetch-Site': 'same-site' }],
    ['a Referer of another site', { Referer: 'http://evil.test/page' }],
    ['Origin null', { Origin: 'null' }],
    ['no Origin, Sec-Fetch-Site or Referer', {}],
  ])('refuses a session POST with %s', async (_label, extra) => {
    const before = await keyCount();
    const res = await fetch(`${baseURL()}/api/v1/apikeys`, { method: 'POST', headers: { Cookie: adminCookie, 'Content-Type': 'application/json', ...extra }, body });
    expect(res.status).toBe(403);
    expect(await keyCount()).toBe(before);
  });

  it('takes a JSON POST from its own page, and refuses a same-origin body that is not JSON with 415', async () => {
    const plain = await fetch(`${baseURL()}/api/v1/apikeys`, { method: 'POST', headers: { Cookie: adminCookie, Origin: baseURL(), 'Content-Type': 'text/plain' }, body });
    expect(plain.status).toBe(415);
    const ok = await fetch(`${baseURL()}/api/v1/apikeys`, { method: 'POST', headers: { Cookie: adminCookie, 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/json' }, body });
    expect(ok.status).toBe(201);
  });

  it('refuses a cross-site server action and a cross-site sign-out; the session still works', async () => {
    const cookie = await sessionCookie('manager@demo.test');
    const action = await fetch(`${baseURL()}/models`, { method: 'POST', headers: { Cookie: cookie, Origin: 'http://evil.test', 'Next-Action': '0'.repeat(42), 'Content-Type': 'text/plain;charset=UTF-8' }, body: '[]' });
    expect(action.status).toBe(403);
    const out = await fetch(`${baseURL()}/api/auth/signout`, { method: 'POST', headers: { Cookie: cookie, Origin: 'http://evil.test', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'csrfToken=x' });
    expect(out.status).toBe(403);
    expect((await api('/api/v1/me', { cookie })).status).toBe(200);
  });

  it('leaves API-key requests alone, whatever their Origin', async () => {
    const key = await makeKey('demo', 'admin');
    const res = await fetch(`${baseURL()}/api/v1/apikeys`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, Origin: 'http://evil.test', 'Content-Type': 'application/json' }, body });
    expect(res.status).toBe(201);
  });
});

describe('the page after sign-in (item 2)', () => {
  const attacks = ['/%09/evil.test', '/%0A/evil.test', '/%0D%0A/evil.test', '//evil.test', '/%5Cevil.test', '/\\evil.test', '%2F%2Fevil.test', '/%2F%2Fevil.test', 'http://evil.test', 'https:evil.test', 'javascript:alert(1)', '/%E0%A4%A', `/${'x'.repeat(5000)}`];

  it.each(attacks)('a signed-in visit to /signin?callbackUrl=%s stays on the site and never fails', async (value) => {
    const cookie = await sessionCookie('analyst@demo.test');
    const res = await api(`/signin?callbackUrl=${value}`, { cookie });
    expect(res.status).toBeLessThan(500);
    const location = res.headers.get('location');
    if (location) expect(new URL(location, baseURL()).origin).toBe(baseURL());
  });

  it.each(attacks)('the sign-in form for callbackUrl=%s renders without an error and returns to the overview', async (value) => {
    const res = await api(`/signin?callbackUrl=${value}`);
    expect(res.status).toBe(200);
    // The form's own return path, as the page hands it to the browser (the URL itself is echoed elsewhere).
    expect(await res.text()).toContain(String.raw`{\"callbackUrl\":\"/\",`);
  });

  it('keeps a same-site path with its query', async () => {
    const cookie = await sessionCookie('analyst@demo.test');
    const res = await api(`/signin?callbackUrl=${encodeURIComponent('/forecasts?store=1&horizon=60')}`, { cookie });
    expect(new URL(res.headers.get('location') ?? '', baseURL()).pathname + new URL(res.headers.get('location') ?? '', baseURL()).search).toBe('/forecasts?store=1&horizon=60');
  });
});

describe('sessions that end (item 3)', () => {
  it('a session cookie copied before sign-out no longer works after it', async () => {
    const r = await signIn('leaver@other.test', 'Right-pass-2026');
    expect(r.ok).toBe(true);
    expect((await api('/api/v1/me', { cookie: r.cookie })).status).toBe(200);
    const out = await signOut(r.cookie);
    expect(out.status).toBeLessThan(400);
    expect((await api('/api/v1/me', { cookie: r.cookie })).status).toBe(401);
    const page = await api('/', { cookie: r.cookie });
    expect(page.status).toBe(307);
    expect(page.headers.get('location')).toContain('/signin');
  });

  it('a password change or a role change ends the account\'s other sessions at once', async () => {
    const { hashPassword, listUsers, updateUser } = await import('@/lib/users');
    const changer = await signIn('changer@other.test', 'Right-pass-2026');
    const promoted = await signIn('promoted@other.test', 'Right-pass-2026');
    expect((await api('/api/v1/me', { cookie: changer.cookie })).status).toBe(200);
    expect((await api('/api/v1/me', { cookie: promoted.cookie })).status).toBe(200);
    const users = await listUsers('other');
    const newHash = await hashPassword('Another-pass-2026');
    await updateUser('other', users.find((u) => u.email === 'changer@other.test')!.id, (u) => ({ ...u, passwordHash: newHash }));
    await updateUser('other', users.find((u) => u.email === 'promoted@other.test')!.id, (u) => ({ ...u, role: 'analyst' }));
    expect((await api('/api/v1/me', { cookie: changer.cookie })).status).toBe(401);
    expect((await api('/api/v1/me', { cookie: promoted.cookie })).status).toBe(401);
    // A new sign-in works, with the new role.
    const again = await signIn('promoted@other.test', 'Right-pass-2026');
    expect(((await (await api('/api/v1/me', { cookie: again.cookie })).json()) as { role: string }).role).toBe('analyst');
  });

  it('marks authenticated API answers no-store, for sessions and keys, successes and errors', async () => {
    const key = await makeKey('demo', 'viewer');
    for (const res of [await api('/api/v1/me', { cookie: adminCookie }), await api('/api/v1/me', { key }), await api('/api/v1/models', { key }), await api('/api/v1/apikeys', { key }), await api('/api/v1/forecast?horizon=7', { key })]) {
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });
});

describe('addresses that cannot be forged (item 4)', () => {
  it('the audit records the connection\'s address, not a forged X-Forwarded-For', async () => {
    await signInFrom('127.0.0.21', 'viewer@demo.test', password(), '6.6.6.6');
    const { queryAudit } = await import('@/lib/audit');
    const { records } = await queryAudit('demo', { action: 'auth.signin', page: 1, pageSize: 20 });
    const mine = records.find((r) => r.ip === '127.0.0.21');
    expect(mine).toBeDefined();
    expect(records.some((r) => r.ip === '6.6.6.6')).toBe(false);
  });

  it('a new X-Forwarded-For on every attempt does not get past the address throttle', async () => {
    for (let i = 0; i < 30; i++) await signInFrom('127.0.0.22', `nobody${i}@nowhere.test`, 'wrong-password-0', `198.51.100.${i}`);
    const r = await signInFrom('127.0.0.22', 'viewer@demo.test', password(), '198.51.100.200');
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/Too many sign-in attempts/);
  });

  it('failures sent with someone else\'s address in X-Forwarded-For do not lock that address out', async () => {
    for (let i = 0; i < 31; i++) await signInFrom('127.0.0.23', `ghost${i}@nowhere.test`, 'wrong-password-0', '127.0.0.24');
    const victim = await signInFrom('127.0.0.24', 'viewer@demo.test', password());
    expect(victim.ok).toBe(true);
  });

  it('throttles one account from many addresses, whether or not it exists', async () => {
    for (const email of ['throttled@other.test', 'never-registered@other.test']) {
      for (let i = 0; i < 10; i++) await signInFrom(`127.0.1.${i + 1}`, email, `wrong-password-${i}`);
      const next = await signInFrom('127.0.1.200', email, 'wrong-password-x');
      expect(next.error, email).toMatch(/Too many sign-in attempts/);
    }
  });
});

describe('query strings (item 9)', () => {
  let key = '';
  beforeAll(async () => {
    key = await makeKey('demo', 'admin');
  });

  it.each([
    ['/api/v1/audit?from=2024-13-45', /from/],
    ['/api/v1/audit?from=2023-02-30', /from is not a calendar date/],
    ['/api/v1/audit?to=yesterday', /to must be a date/],
    ['/api/v1/audit?from=2024-03-01&to=2024-02-01', /from must not be after to/],
    ['/api/v1/audit?page=0x10', /page must be a whole number/],
    ['/api/v1/audit?page=', /page must be a whole number/],
    ['/api/v1/audit?page=1e2', /page must be a whole number/],
    ['/api/v1/audit?pageSize=501', /pageSize must be a whole number from 1 to 500/],
    ['/api/v1/audit?outcome=maybe', /outcome/],
    ['/api/v1/audit?page=1&page=2', /"page" is given more than once/],
    ['/api/v1/forecast?hoizon=60', /unknown parameter "hoizon"; it takes store, category, item, horizon/],
    ['/api/v1/forecast?horizon=%2030', /horizon/],
    ['/api/v1/forecast?horizon=Infinity', /horizon/],
    ['/api/v1/forecast?horizon=91', /horizon \(days\) must be a whole number from 1 to 90/],
    ['/api/v1/forecast/top-products?limit=-1', /limit/],
    ['/api/v1/forecast/top-products?time_period=year', /time_period/],
    ['/api/v1/alerts?limit=10.5', /limit/],
    ['/api/v1/jobs?kind=nope', /kind/],
    ['/api/v1/me?debug=1', /unknown parameter "debug"; it takes none/],
    ['/api/v1/models?x=1', /unknown parameter "x"/],
  ])('%s is a 400 that names what is wrong', async (path, message) => {
    for (const auth of [{ key }, { cookie: adminCookie }]) {
      const res = await api(path, auth);
      expect(res.status, path).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toMatch(message);
    }
  });

  it('valid values still answer', async () => {
    expect((await api('/api/v1/audit?from=2024-02-29&to=2030-01-01&page=1&pageSize=10', { key })).status).toBe(200);
    expect((await api('/api/v1/forecast?horizon=7&store=1', { key })).status).toBe(200);
  });
});

describe('headers (item 10)', () => {
  it('an uploaded logo, even a PNG/HTML polyglot, is served as an inline image that can run nothing', async () => {
    const { storage, tenantPath } = await import('@/lib/storage');
    const { getTenantOrThrow, setTenantBranding } = await import('@/lib/tenants');
    const polyglot = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('<html><script>alert(1)</script></html>')]);
    await storage().writeBlob(tenantPath('other', 'tenants', 'logo.bin'), polyglot);
    const { branding } = await getTenantOrThrow('other');
    await setTenantBranding('other', { ...branding, logoType: 'image/png', logoVersion: branding.logoVersion + 1 });
    const cookie = await sessionCookie('admin@other.test');
    const res = await api('/api/branding/logo', { cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe('inline; filename="logo.png"');
    // One policy, and it is the one that allows nothing (not the page policy).
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  });

  it('pages carry a nonce policy without unsafe-inline scripts, a new nonce each time', async () => {
    const a = (await api('/signin')).headers.get('content-security-policy') ?? '';
    const b = (await api('/signin')).headers.get('content-security-policy') ?? '';
    expect(a).toMatch(/script-src 'self' 'nonce-[^']+'/);
    expect(a).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(a).not.toBe(b);
  });
});
