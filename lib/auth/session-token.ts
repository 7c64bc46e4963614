import { encode, type JWT } from 'next-auth/jwt';
import { settings } from '../config';
import { authSecret } from '../secret';

/**
 * The session cookie next-auth reads (JWT strategy), and re-issuing it: proxy.ts re-issues it on
 * activity (sliding idle expiry), and a password change re-issues the changing person's own
 * session with the account's new session version, so that only the other sessions end.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Secure-next-auth.session-token' : 'next-auth.session-token';
}

export interface SessionCookie {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: 'lax'; path: '/'; secure: boolean; maxAge: number };
}

/** A fresh cookie for the same claims (a new expiry, `changes` applied), valid for the idle period. */
export async function reissuedSessionCookie(token: JWT, secure: boolean, changes: Partial<JWT> = {}): Promise<SessionCookie> {
  const maxAge = settings.sessionIdleMinutes() * 60;
  const { exp: _exp, iat: _iat, jti: _jti, ...claims } = token;
  const value = await encode({ token: { ...claims, ...changes }, secret: authSecret(), maxAge });
  return { name: sessionCookieName(secure), value, options: { httpOnly: true, sameSite: 'lax', path: '/', secure, maxAge } };
}
