import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import { recordAudit } from '../audit';
import { settings } from '../config';
import { rateLimiter } from '../ratelimit';
import { authSecret } from '../secret';
import { endSessions, verifySignIn, type SignInResult } from '../users';
import { encodeOrganisationChoice } from './signin-choice';
import { CLIENT_ADDRESS_HEADER } from '../http/client-address';
import { safeReturnPath } from '../http/return-path';

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().min(3).max(200),
  // 128 code points (the policy's most) can be 512 UTF-16 units; passwords set before it may be longer than 128.
  password: z.string().min(1).max(512),
  /** The second step, when the password opens several organisations. */
  organisation: z.string().max(60).optional(),
});

/** Failed sign-ins allowed per address and minute; past that, attempts are refused before any password is checked. */
const FAILED_SIGNINS_PER_IP_MINUTE = 30;
/**
 * Failed sign-ins allowed per email and minute, from any address: guessing spread over many
 * addresses is slowed too, and an email that has no account is throttled exactly like one that has.
 */
const FAILED_SIGNINS_PER_ACCOUNT_MINUTE = 10;

/** The client address the production server resolved from the connection (lib/http/client-address.ts); never a header the client wrote. */
function clientIp(headers: Record<string, unknown> | undefined): string {
  const resolved = headers?.[CLIENT_ADDRESS_HEADER];
  return typeof resolved === 'string' ? resolved : '';
}

const WRONG_CREDENTIALS = 'Wrong email or password.';

/**
 * The message a person sees on the sign-in form for each refusal. It never says whether the
 * email exists, nor whether the account is locked: a lock answers exactly as a wrong password
 * (the admin sees the lock on the users page, the audit records `locked`). Deactivated and
 * suspended are said only after the right password, so they tell nothing to someone without it.
 */
export const SIGNIN_ERRORS = {
  invalid: WRONG_CREDENTIALS,
  locked: WRONG_CREDENTIALS,
  inactive: 'This account is deactivated. Ask an admin of your organisation.',
  suspended: 'Your organisation is suspended. Contact the platform administrator.',
  throttled: 'Too many sign-in attempts. Wait a minute and try again.',
  malformed: 'Enter an email and a password.',
} as const;

/** One audit record per account the attempt touched, in that account's log; an unknown email goes to the platform's. */
async function auditSignIn(result: SignInResult, email: string, ip: string): Promise<void> {
  if (result.attempts.length === 0) {
    await recordAudit(null, { actor: { type: 'anonymous', id: email, label: email }, action: 'auth.signin', outcome: 'failure', ip, details: { reason: 'invalid' } });
    return;
  }
  for (const { account, outcome } of result.attempts) {
    const actor = { type: account.kind === 'platform' ? ('platform' as const) : ('user' as const), id: account.user.id, label: account.user.email };
    const tenantId = account.kind === 'user' ? account.tenantId : null;
    await recordAudit(tenantId, { actor, action: 'auth.signin', outcome: outcome === 'success' ? 'success' : 'failure', ip, ...(outcome === 'success' ? {} : { details: { reason: outcome } }) });
  }
}

export function authOptions(): NextAuthOptions {
  const idleSeconds = settings.sessionIdleMinutes() * 60;
  return {
    secret: authSecret(),
    session: { strategy: 'jwt', maxAge: idleSeconds, updateAge: 0 },
    jwt: { maxAge: idleSeconds },
    pages: { signIn: '/signin', error: '/signin' },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' }, organisation: { label: 'Organisation', type: 'text' } },
        async authorize(credentials, req) {
          const ip = clientIp(req.headers);
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) throw new Error(SIGNIN_ERRORS.malformed);
          const { email, password, organisation } = parsed.data;
          const ipKey = `signin-failures:ip:${ip || 'unknown'}`;
          const accountKey = `signin-failures:account:${email}`;
          const ipOk = rateLimiter().peek(ipKey, FAILED_SIGNINS_PER_IP_MINUTE);
          if (!ipOk || !rateLimiter().peek(accountKey, FAILED_SIGNINS_PER_ACCOUNT_MINUTE)) {
            await recordAudit(null, { actor: { type: 'anonymous', id: email, label: email }, action: 'auth.signin', outcome: 'denied', ip, details: { reason: ipOk ? 'throttled (account)' : 'throttled (address)' } });
            throw new Error(SIGNIN_ERRORS.throttled);
          }
          const result = await verifySignIn(email, password, new Date(), organisation || undefined);
          if (!result.ok && result.reason === 'choose') throw new Error(encodeOrganisationChoice(result.choices));
          if (!result.ok) {
            rateLimiter().take(ipKey, FAILED_SIGNINS_PER_IP_MINUTE);
            rateLimiter().take(accountKey, FAILED_SIGNINS_PER_ACCOUNT_MINUTE);
            await auditSignIn(result, email, ip);
            throw new Error(SIGNIN_ERRORS[result.reason]);
          }
          await auditSignIn(result, email, ip);
          const { account } = result;
          return {
            id: account.user.id,
            email: account.user.email,
            name: account.user.name,
            tenantId: account.kind === 'user' ? account.tenantId : null,
            kind: account.kind,
            sessionVersion: account.user.sessionVersion,
          };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          const u = user as { id: string; tenantId: string | null; kind: 'user' | 'platform'; sessionVersion: number };
          token.sub = u.id;
          token.tid = u.tenantId;
          token.kind = u.kind;
          token.sv = u.sessionVersion;
        }
        return token;
      },
      async session({ session, token }) {
        return {
          ...session,
          userId: token.sub ?? '',
          tenantId: (token.tid as string | null) ?? null,
          kind: (token.kind as string) ?? 'user',
          sessionVersion: typeof token.sv === 'number' ? token.sv : -1,
        };
      },
      // Where next-auth itself sends the browser (its sign-in and sign-out redirects): our own paths only.
      async redirect({ url, baseUrl }) {
        if (url.startsWith(baseUrl)) return `${baseUrl}${safeReturnPath(url.slice(baseUrl.length) || '/')}`;
        return `${baseUrl}${safeReturnPath(url)}`;
      },
    },
    events: {
      async signOut({ token }) {
        if (token?.sub) {
          const tenantId = (token.tid as string | null) ?? null;
          // The cookie is only deleted in this browser; a copy of it must stop working too.
          await endSessions({ tenantId, userId: token.sub }).catch((e: unknown) => console.error('sign-out: ending the sessions failed:', (e as Error).message));
          await recordAudit(tenantId, { actor: { type: token.kind === 'platform' ? 'platform' : 'user', id: token.sub, label: token.email ?? token.sub }, action: 'auth.signout', outcome: 'success' });
        }
      },
    },
  };
}
