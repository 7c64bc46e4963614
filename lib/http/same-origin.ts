/**
 * Cross-site request refusal for requests authenticated by the session cookie (ASVS 4.0 V4.2.2,
 * V13.2.3; OWASP CSRF cheat sheet, "Verifying origin with standard headers"). A web page on another
 * site can make the browser send a "simple" POST (a form, or `text/plain`) with our cookie attached;
 * SameSite=Lax stops only some of them. So every state-changing request that carries the session
 * cookie must prove that it comes from one of the app's own pages: by its `Origin` header, else by
 * `Sec-Fetch-Site`, else by the origin of its `Referer`. A request with none of the three is refused
 * too (every browser sends at least one of them on a POST). API-key requests carry no cookie and
 * are not concerned.
 */

/** Methods that change nothing (RFC 9110 "safe"): never refused here. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const SESSION_COOKIE_NAMES = ['next-auth.session-token', '__Secure-next-auth.session-token'] as const;

/** Whether a Cookie header carries a next-auth session cookie (also its chunked `.0`, `.1` parts). */
export function hasSessionCookie(cookieHeader: string | null | undefined): boolean {
  if (!cookieHeader) return false;
  return cookieHeader.split(';').some((part) => {
    const name = part.split('=')[0].trim();
    return SESSION_COOKIE_NAMES.some((n) => name === n || name.startsWith(`${n}.`));
  });
}

export interface OriginInput {
  method: string;
  /** The request's Host header (what the browser addressed). */
  host: string | null;
  origin: string | null;
  secFetchSite: string | null;
  referer: string | null;
  /** The app's public origin(s) when configured (NEXTAUTH_URL), besides the Host. */
  publicOrigins?: readonly string[];
}

function hostOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.host.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** The public origins from NEXTAUTH_URL (the app's own URL behind a proxy), when set. */
export function configuredOrigins(): string[] {
  const url = process.env.NEXTAUTH_URL;
  return url ? [url] : [];
}

/**
 * Why this request must be refused as cross-site, or null when it may go on.
 * The request's own host (Host header) and the configured public URL count as the app's origin.
 */
export function crossSiteRefusal(input: OriginInput): string | null {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return null;
  const own = new Set<string>();
  if (input.host) own.add(input.host.trim().toLowerCase());
  for (const o of input.publicOrigins ?? configuredOrigins()) {
    const h = hostOf(o);
    if (h) own.add(h);
  }
  if (input.origin !== null) {
    const h = input.origin === 'null' ? null : hostOf(input.origin);
    return h && own.has(h) ? null : `it comes from another site (Origin: ${input.origin.slice(0, 100)})`;
  }
  if (input.secFetchSite !== null) {
    // `none`: typed in the address bar or a bookmark, never a page of another site.
    return input.secFetchSite === 'same-origin' || input.secFetchSite === 'none' ? null : `it comes from another site (Sec-Fetch-Site: ${input.secFetchSite.slice(0, 40)})`;
  }
  if (input.referer !== null) {
    const h = hostOf(input.referer);
    return h && own.has(h) ? null : 'it comes from another site (Referer)';
  }
  return 'it carries no Origin, Sec-Fetch-Site or Referer header to show it comes from this site';
}

/** The message a refused request gets (403, code `forbidden`). */
export function crossSiteMessage(reason: string): string {
  return `Cross-site request refused: ${reason}. Use the app's own pages, or call the API with an API key.`;
}
