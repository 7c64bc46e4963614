import 'server-only';
import { cookies } from 'next/headers';
import { decode } from 'next-auth/jwt';
import { authSecret } from '../secret';
import { reissuedSessionCookie, sessionCookieName } from './session-token';

/**
 * Re-issues the current request's session cookie with the account's new session version (inside
 * a server action): after a password change the person who changed it stays signed in while every
 * other session of the account ends.
 */
export async function renewCurrentSession(sessionVersion: number): Promise<void> {
  const jar = await cookies();
  const secure = jar.has(sessionCookieName(true));
  const raw = jar.get(sessionCookieName(secure))?.value;
  if (!raw) return;
  const token = await decode({ token: raw, secret: authSecret() });
  if (!token) return;
  const cookie = await reissuedSessionCookie(token, secure, { sv: sessionVersion });
  jar.set(cookie.name, cookie.value, cookie.options);
}
