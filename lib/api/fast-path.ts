/**
 * The API's hot endpoints answered straight from Node's HTTP server (speed targets, docs/benchmarks.md).
 *
 * Next.js spends about a millisecond of CPU on every request before a route handler runs (routing,
 * request metadata, the app-render work context); on two cores that caps any route at about
 * 1,000 requests a second, whatever the handler costs. The production server (scripts/server.ts)
 * therefore hands the requests of API clients (an `Authorization` header and no session cookie)
 * for the registry's routes marked `fast` (lib/api/routes) to this module, which runs the very
 * same routes that Next.js serves (`apiRoute(...).serve`: authentication, tenant from the key,
 * rate limit, quota, permission, zod validation, the API's errors (docs/serving.md)) on Node's request and response
 * directly, without Web Request and Response objects, with the same security headers. Everything
 * else, including every session (browser) request, goes to Next.js unchanged.
 *
 * Installed on globalThis by instrumentation.ts, so this module and the route handlers are those
 * of the Next.js build (one set of caches, limiter and meters, which live on globalThis anyway).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { AppError } from '../errors';
import { securityHeaders } from '../http/security-headers';
import { isVendorFile, VENDOR_HEADERS, vendorFile } from '../http/vendor-files';
import { processSingleton } from '../process-state';
import type { ApiAnswer, ApiRequest, ApiRoute } from './handler';
import { API_ROUTES } from './routes';

/**
 * `METHOD path` → the route Next.js would run for it: the registry's routes marked `fast`, built
 * once, so a request costs one map lookup (exact paths only; anything else goes to Next.js).
 */
export const FAST_ROUTES: ReadonlyMap<string, ApiRoute> = new Map(
  API_ROUTES.filter((r) => r.definition.fast).map((r) => {
    // A path parameter would need Next.js's router; the fast path matches whole paths only.
    if (r.definition.path.includes('{')) throw new Error(`fast route ${r.definition.operationId} has path parameters`);
    return [`${r.definition.method} /api/v1${r.definition.path}`, r] as const;
  }),
);

/** Bodies at least this large are gzip-compressed for clients that accept it (as Next.js does). */
const COMPRESS_MIN_BYTES = 1024;
const gzipAsync = promisify(gzip);

/** Whether an Accept-Encoding header accepts gzip (by name or `*`, with a q-value above 0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  let gzipQ: number | undefined;
  let anyQ: number | undefined;
  for (const part of String(header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (name === 'gzip') gzipQ = Number.isFinite(q) ? q : 0;
    else if (name === '*') anyQ = Number.isFinite(q) ? q : 0;
  }
  return (gzipQ ?? anyQ ?? 0) > 0;
}

/** The route for this request, or undefined when Next.js must serve it. */
export function fastRouteOf(method: string | undefined, url: string | undefined, headers: IncomingMessage['headers']): ApiRoute | undefined {
  // Only API clients: a session request goes through Next.js (its proxy, next-auth's cookies).
  if (!headers.authorization || headers.cookie !== undefined) return undefined;
  const u = url ?? '/';
  const q = u.indexOf('?');
  return FAST_ROUTES.get(`${method} ${q < 0 ? u : u.slice(0, q)}`);
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // A client that hung up before the route read its body (authentication and limits come
    // first): its request is destroyed already and will emit nothing more.
    if (!req.complete && (req.destroyed || req.readableAborted)) {
      reject(new AppError('bad_request', 'The request body was cut off before its end.'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Node discards the rest of the body once the response has been sent.
        req.off('data', onData);
        reject(new AppError('payload_too_large', `Body is over the limit of ${maxBytes} bytes.`, { limit: maxBytes }));
        return;
      }
      chunks.push(chunk);
    };
    let ended = false;
    req.on('data', onData);
    req.once('end', () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.once('error', reject);
    // A client that hangs up mid-body: settle rather than wait for an end that never comes.
    req.once('close', () => ended || reject(new AppError('bad_request', 'The request body was cut off before its end.')));
  });
}

/**
 * The request's body as a stream with backpressure. Destroying it does not destroy the request
 * (that would close the connection before the answer): what is left is read and discarded.
 */
function streamOf(req: IncomingMessage): Readable {
  const out = new PassThrough();
  if (!req.complete && (req.destroyed || req.readableAborted)) {
    out.destroy(new AppError('bad_request', 'The request body was cut off before its end.'));
    return out;
  }
  req.pipe(out);
  const cut = () => req.complete || out.destroy(new Error('The request body was cut off before its end.'));
  req.once('aborted', cut);
  req.once('close', cut);
  out.once('close', () => {
    req.off('aborted', cut);
    req.off('close', cut);
    if (!req.complete) {
      req.unpipe(out);
      req.resume();
    }
  });
  return out;
}

/** Node's request as an ApiRequest: no Web Request. */
export function apiRequestOf(req: IncomingMessage): ApiRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const headers = req.headers;
  // The client's address is in CLIENT_ADDRESS_HEADER, which scripts/server.ts resolved from the socket.
  const header = (name: string): string | null => {
    const v = headers[name.toLowerCase()];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(', ') : v;
  };
  let body: Promise<Buffer> | undefined;
  const bytes = (maxBytes: number) => (body ??= readBody(req, maxBytes));
  return {
    method: req.method ?? 'GET',
    pathname: q < 0 ? url : url.slice(0, q),
    searchParams: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
    header,
    text: async (maxBytes) => (await bytes(maxBytes)).toString('utf8'),
    body: () => streamOf(req),
    // Never reached: the fast path takes only requests with an Authorization header, which
    // authenticate() resolves as an API key before it would look at a session.
    principal: async () => null,
  };
}

/**
 * Serves the request when it is one of FAST_ROUTES for an API client.
 * @returns false when Next.js must handle it (nothing has been written then).
 */
export function serveFastApi(req: IncomingMessage, res: ServerResponse): boolean {
  const vendor = vendorFileOf(req.method, req.url);
  if (vendor) {
    void respondFile(vendor, req, res);
    return true;
  }
  const route = fastRouteOf(req.method, req.url, req.headers);
  if (!route) return false;
  void respond(route, req, res);
  return true;
}

/** `/vendor/<file>` (lib/vendor.ts) for anyone: a public library, pre-compressed once (Next.js would drop a route's own Content-Encoding and gzip it again for every browser). */
function vendorFileOf(method: string | undefined, url: string | undefined): string | undefined {
  if ((method !== 'GET' && method !== 'HEAD') || !url?.startsWith('/vendor/')) return undefined;
  const name = url.slice('/vendor/'.length).split('?')[0];
  return isVendorFile(name) ? name : undefined;
}

async function respondFile(name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const { raw, gzipped } = await vendorFile(name);
    const gz = acceptsGzip(req.headers['accept-encoding']);
    const body = gz ? gzipped : raw;
    res.statusCode = 200;
    for (const h of securityHeaders) res.setHeader(h.key, h.value);
    for (const [k, v] of Object.entries(VENDOR_HEADERS)) res.setHeader(k, v);
    if (gz) res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Content-Length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (e) {
    console.error(`vendor file ${name} failed:`, e);
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end();
  }
}

async function write(answer: ApiAnswer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Buffer;
  res.statusCode = 'response' in answer ? answer.response.status : answer.status;
  for (const h of securityHeaders) res.setHeader(h.key, h.value);
  if ('response' in answer) {
    answer.response.headers.forEach((value, key) => res.setHeader(key, value));
    body = Buffer.from(await answer.response.arrayBuffer());
  } else {
    res.setHeader('Content-Type', 'application/json');
    for (const [k, v] of Object.entries(answer.headers)) res.setHeader(k, v);
    body = Buffer.from(JSON.stringify(answer.json));
  }
  res.setHeader('Vary', 'Accept-Encoding');
  if (body.length >= COMPRESS_MIN_BYTES && !res.hasHeader('content-encoding') && acceptsGzip(req.headers['accept-encoding'])) {
    body = await gzipAsync(body, { level: 1 });
    res.setHeader('Content-Encoding', 'gzip');
  }
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

async function respond(route: ApiRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    await write(await route.serve(apiRequestOf(req), {}), req, res);
  } catch (e) {
    // apiRoute answers every error itself; this is the response itself failing.
    console.error(`api fast path ${req.method} ${req.url} failed:`, e);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ error: { code: 'internal', message: 'Internal error; it has been logged.', details: {} } });
    res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }
}

type FastApi = (req: IncomingMessage, res: ServerResponse) => boolean;
// Handed over to scripts/server.ts, which reads the same slot (the same name and shape).
const holder = processSingleton('api.fast-path', (): { serve?: FastApi } => ({}));

/** Makes the fast path available to scripts/server.ts (called by instrumentation.ts). */
export function installFastApi(): void {
  holder.serve = serveFastApi;
}
