import { describe, it, expect, beforeAll } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { encode } from 'next-auth/jwt';
import { proxy } from '@/proxy';

const secret = 'test-secret-with-enough-length-0123456789';

beforeAll(async () => {
  process.env.FORESIGHT_HOME = await fs.mkdtemp(path.join(os.tmpdir(), 'foresight-proxy-'));
  process.env.NEXTAUTH_SECRET = secret;
  process.env.SESSION_IDLE_MINUTES = '30';
});

async function requestWith(token: string | null, pathname = '/forecasts'): Promise<NextRequest> {
  const headers = new Headers();
  if (token) headers.set('cookie', `next-auth.session-token=${token}`);
  return new NextRequest(`http://localhost${pathname}`, { headers });
}

describe('session idle expiry (proxy.ts)', () => {
  it('re-issues a session used after a minute for a full idle period', async () => {
    // Issued 10 minutes ago with 30 minutes to live: 20 minutes are left.
    const realNow = Date.now;
    Date.now = () => realNow() - 10 * 60_000;
    const token = await encode({ token: { sub: 'u_1', tid: 'demo' }, secret, maxAge: 30 * 60 });
    Date.now = realNow;
    const res = await proxy(await requestWith(token));
    const cookie = res.cookies.get('next-auth.session-token');
    expect(cookie?.value).toBeTruthy();
    expect(cookie?.value).not.toBe(token);
    expect(cookie?.maxAge).toBe(30 * 60);
    expect(cookie?.httpOnly).toBe(true);
  });

  it('sends a visitor whose session expired while idle to sign in, saying why, and drops the cookie', async () => {
    const realNow = Date.now;
    Date.now = () => realNow() - 31 * 60_000;
    const token = await encode({ token: { sub: 'u_1', tid: 'demo' }, secret, maxAge: 30 * 60 });
    Date.now = realNow;
    const res = await proxy(await requestWith(token));
    expect(res.status).toBe(307);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.pathname).toBe('/signin');
    expect(location.searchParams.get('expired')).toBe('1');
    expect(res.cookies.get('next-auth.session-token')?.value).toBe('');
  });

  it('leaves requests without a session alone', async () => {
    const res = await proxy(await requestWith(null));
    expect(res.headers.get('location')).toBeNull();
    expect(res.cookies.getAll()).toEqual([]);
  });
});
