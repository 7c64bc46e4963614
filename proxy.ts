import { NextResponse, type NextRequest } from 'next/server';
import { getToken } from 'next-auth/jwt';
import { settings } from '@/lib/config';
import { authSecret } from '@/lib/secret';
import { reissuedSessionCookie, sessionCookieName } from '@/lib/auth/session-token';
import { newNonce, pageContentSecurityPolicy } from '@/lib/http/security-headers';
import { REQUESTED_PATH_HEADER } from '@/lib/http/return-path';

/**
 * Runs before Next.js renders a page or answers a session API call. Not an authorization check:
 * pages, actions and routes do that themselves.
 *
 * - Pages get a Content-Security-Policy with a fresh nonce (Next.js puts it on its own inline
 *   scripts, read from the request's CSP header), so an injected inline script cannot run.
 * - Sliding idle expiry: a session token lives SESSION_IDLE_MINUTES; every request made with it
 *   (at most once a minute) re-issues it for another full period. A user idle for longer finds
 *   the token expired and signs in again, coming back to the page they asked for.
 */
const REFRESH_AFTER_S = 60;

export async function proxy(req: NextRequest) {
  const isApi = req.nextUrl.pathname.startsWith('/api/');
  let res: NextResponse;
  if (isApi) {
    res = NextResponse.next();
  } else {
    const nonce = newNonce();
    const csp = pageContentSecurityPolicy(nonce);
    const headers = new Headers(req.headers);
    headers.set('x-nonce', nonce);
    headers.set('Content-Security-Policy', csp);
    // The page asked for, so that a page sending a signed-out visitor to sign in can bring them back.
    headers.set(REQUESTED_PATH_HEADER, `${req.nextUrl.pathname}${req.nextUrl.search}`);
    res = NextResponse.next({ request: { headers } });
    res.headers.set('Content-Security-Policy', csp);
  }
  const secure = req.nextUrl.protocol === 'https:';
  const cookieName = sessionCookieName(secure);
  if (!req.cookies.has(cookieName)) return res;
  const token = await getToken({ req, secret: authSecret(), secureCookie: secure });
  if (!token) {
    // Expired or tampered: drop it, and tell page visitors why they must sign in again.
    if (req.method === 'GET' && !isApi && req.nextUrl.pathname !== '/signin') {
      const url = new URL('/signin', req.url);
      url.searchParams.set('expired', '1');
      url.searchParams.set('callbackUrl', `${req.nextUrl.pathname}${req.nextUrl.search}`);
      const redirect = NextResponse.redirect(url);
      redirect.cookies.delete(cookieName);
      return redirect;
    }
    res.cookies.delete(cookieName);
    return res;
  }
  const exp = typeof token.exp === 'number' ? token.exp : 0;
  const now = Math.floor(Date.now() / 1000);
  if (exp - now < settings.sessionIdleMinutes() * 60 - REFRESH_AFTER_S) {
    const fresh = await reissuedSessionCookie(token, secure);
    res.cookies.set(fresh.name, fresh.value, fresh.options);
  }
  return res;
}

/**
 * Every page, and the session (cookie) calls of the API for the sliding expiry. API-key calls
 * carry no cookie and skip the proxy, which saves a large part of the framework's per-request
 * cost on the API's hot path. The upload route (`/api/v1/datasets`) never passes it: Next.js
 * reads the whole body of a proxied request into memory first (cut at `proxyClientMaxBodySize`),
 * and an upload must stream to disk. (Next reads this config statically at build time: the
 * values must be literals.)
 */
export const config = {
  matcher: [
    { source: '/((?!api/|_next/static|_next/image|vendor/).*)' },
    { source: '/api/v1/((?!datasets$).*)', has: [{ type: 'cookie', key: 'next-auth.session-token' }] },
    { source: '/api/v1/((?!datasets$).*)', has: [{ type: 'cookie', key: '__Secure-next-auth.session-token' }] },
  ],
};
