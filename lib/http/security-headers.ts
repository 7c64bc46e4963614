/**
 * Security headers (docs/security.md; ASVS 4.0 V14.4). The Next.js config applies `securityHeaders` to
 * everything Next serves, the API fast path (lib/api/fast-path.ts) to what it answers itself, and
 * proxy.ts gives every page its own `pageContentSecurityPolicy` with a fresh nonce: an inline
 * script runs only when it carries that request's nonce (Next.js adds it to its own scripts).
 */
const commonHeaders: readonly { key: string; value: string }[] = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
  // Browsers honour it only over HTTPS; over plain HTTP (a local install) it is ignored.
  { key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' },
];

/** What is not a page (JSON, files, images): nothing in it may run or load anything. */
export const NON_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Headers for every response that is not a page (pages get theirs from proxy.ts). */
export const securityHeaders: readonly { key: string; value: string }[] = [...commonHeaders, { key: 'Content-Security-Policy', value: NON_PAGE_CSP }];

/** The headers every page gets besides its Content-Security-Policy. */
export const pageSecurityHeaders = commonHeaders;

/**
 * A page's policy: scripts from this origin or carrying the nonce (no `'unsafe-inline'`); Plotly
 * sets inline styles, so styles keep `'unsafe-inline'` (styles cannot run code).
 */
export function pageContentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV === 'development'): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

/** An unguessable nonce for one response (128 random bits, base64). */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
