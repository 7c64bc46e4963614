import { inject } from 'vitest';

export const baseURL = () => inject('baseURL');
export const password = () => inject('password');

/** Cookies from Set-Cookie headers, merged into a jar. */
function mergeCookies(jar: Map<string, string>, res: Response): void {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    jar.set(pair.slice(0, i), pair.slice(i + 1));
  }
}

const header = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

export interface SignInOutcome {
  ok: boolean;
  cookie: string;
  error?: string;
}

/** Signs in through next-auth's credentials endpoint, as the browser form does. */
export async function signIn(email: string, pass = password()): Promise<SignInOutcome> {
  const jar = new Map<string, string>();
  const csrfRes = await fetch(`${baseURL()}/api/auth/csrf`);
  mergeCookies(jar, csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${baseURL()}/api/auth/callback/credentials`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: header(jar) },
    body: new URLSearchParams({ csrfToken, email, password: pass, json: 'true' }),
    redirect: 'manual',
  });
  mergeCookies(jar, res);
  const body = (await res.json().catch(() => ({}))) as { url?: string };
  const error = body.url ? new URL(body.url).searchParams.get('error') ?? undefined : undefined;
  return { ok: !error && jar.has('next-auth.session-token'), cookie: header(jar), error };
}

export async function sessionCookie(email: string): Promise<string> {
  const r = await signIn(email);
  if (!r.ok) throw new Error(`sign-in of ${email} failed: ${r.error}`);
  return r.cookie;
}

export async function api(path: string, init: RequestInit & { key?: string; cookie?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.key) headers.set('Authorization', `Bearer ${init.key}`);
  if (init.cookie) {
    headers.set('Cookie', init.cookie);
    // What a browser sends with a request from one of the app's pages (a cross-site request is refused).
    if (!headers.has('Origin')) headers.set('Origin', baseURL());
  }
  if (typeof init.body === 'string' && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  return fetch(`${baseURL()}${path}`, { ...init, headers, redirect: 'manual' });
}

/** Creates an API key by the CLI code path (lib), in the test store the server reads. */
export async function makeKey(tenantId: string, role: 'admin' | 'manager' | 'analyst' | 'viewer'): Promise<string> {
  process.env.FORESIGHT_HOME = inject('home');
  const { createApiKey } = await import('../../lib/apikeys');
  return (await createApiKey(tenantId, { name: `test ${role}`, role, createdBy: 'test' })).secret;
}
