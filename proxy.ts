import { NextResponse, type NextRequest } from 'next/server';
import { encode, getToken } from 'next-auth/jwt';
import { settings } from '@/lib/config';
import { authSecret } from '@/lib/secret';

/**
 * Sliding idle expiry: a session token lives SESSION_IDLE_MINUTES; every request made with it
 * (at most once a minute) re-issues it for another full period. A user idle for longer finds the
 * token expired and signs in again. Not an authorization check: pages, actions and routes do that.
 */
const REFRESH_AFTER_S = 60;

export async function proxy(req: NextRequest) {
  const res = NextResponse.next();
  const secure = req.nextUrl.protocol === 'https:';
  const cookieName = secure ? '__Secure-next-auth.session-token' : 'next-auth.session-token';
  if (!req.cookies.has(cookieName)) return res;
  const secret = authSecret();
  const token = await getToken({ req, secret, secureCookie: secure });
  const maxAge = settings.sessionIdleMinutes() * 60;
  if (!token) {
    // Expired or tampered: drop it, and tell page visitors why they must sign in again.
    if (req.method === 'GET' && !req.nextUrl.pathname.startsWith('/api/') && req.nextUrl.pathname !== '/signin') {
      const url = new URL('/signin', req.url);
      url.searchParams.set('expired', '1');
      url.searchParams.set('callbackUrl', req.nextUrl.pathname);
      const redirect = NextResponse.redirect(url);
      redirect.cookies.delete(cookieName);
      return redirect;
    }
    res.cookies.delete(cookieName);
    return res;
  }
  const exp = typeof token.exp === 'number' ? token.exp : 0;
  const now = Math.floor(Date.now() / 1000);
  if (exp - now < maxAge - REFRESH_AFTER_S) {
    const { exp: _exp, iat: _iat, jti: _jti, ...claims } = token;
    const fresh = await encode({ token: claims, secret, maxAge });
    res.cookies.set(cookieName, fresh, { httpOnly: true, sameSite: 'lax', path: '/', secure, maxAge });
  }
  return res;
}

/**
 * Only requests that carry a session cookie reach the proxy: the others (API-key calls, the sign-in
 * page) would return unchanged from its first line anyway, and skipping the proxy saves a large
 * part of the framework's per-request cost on the API's hot path. The upload route
 * (`POST /api/v1/datasets`) never does: Next.js reads the whole body of a proxied request into
 * memory first (cut at `proxyClientMaxBodySize`), and an upload must stream to disk. (Next reads
 * this config statically at build time: the values must be literals.)
 */
export const config = {
  matcher: [
    { source: '/((?!_next/static|_next/image|favicon.ico|api/health|api/auth|vendor/|api/v1/datasets$).*)', has: [{ type: 'cookie', key: 'next-auth.session-token' }] },
    { source: '/((?!_next/static|_next/image|favicon.ico|api/health|api/auth|vendor/|api/v1/datasets$).*)', has: [{ type: 'cookie', key: '__Secure-next-auth.session-token' }] },
  ],
};
