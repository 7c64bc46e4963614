import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLIENT_ADDRESS_HEADER, clientAddress } from './client-address';
import { crossSiteMessage, crossSiteRefusal, hasSessionCookie } from './same-origin';
import { securityHeaders } from './security-headers';

const one = (v: string | string[] | undefined): string | null => (v === undefined ? null : Array.isArray(v) ? v.join(', ') : v);

/**
 * What the production server (scripts/server.ts) does with every request before anything else
 * sees it, Next.js and the API fast path alike:
 * - resolves the client's address from the connection (forwarding headers only from
 *   TRUSTED_PROXIES) into CLIENT_ADDRESS_HEADER, overwriting whatever the client sent there;
 * - refuses a state-changing request that carries the session cookie but does not come from one
 *   of the app's own pages (lib/http/same-origin.ts): API routes, server actions, form posts and
 *   next-auth's sign-out alike. The routes and actions check it again themselves.
 * @returns false when the request was answered here (refused) and must go no further
 */
export function admitRequest(req: IncomingMessage, res: ServerResponse): boolean {
  const h = req.headers;
  h[CLIENT_ADDRESS_HEADER] = clientAddress(req.socket.remoteAddress, one(h['x-forwarded-for']), one(h['x-real-ip']));
  if (!hasSessionCookie(one(h.cookie))) return true;
  const reason = crossSiteRefusal({ method: req.method ?? 'GET', host: one(h.host), origin: one(h.origin), secFetchSite: one(h['sec-fetch-site']), referer: one(h.referer) });
  if (!reason) return true;
  const body = JSON.stringify({ error: { code: 'forbidden', message: crossSiteMessage(reason), details: {} } });
  res.statusCode = 403;
  for (const x of securityHeaders) res.setHeader(x.key, x.value);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  // The body (if any) is not read: close the connection rather than drain an attacker's upload.
  res.setHeader('Connection', 'close');
  res.end(body);
  return false;
}
