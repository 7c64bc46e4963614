import 'server-only';
import { Readable } from 'node:stream';
import { NextResponse, type NextRequest } from 'next/server';
import { z, type ZodType } from 'zod';
import { AppError, isAppError } from '../errors';
import { recordAudit, type AuditActor } from '../audit';
import type { Role } from '../auth/permissions';
import { currentPrincipal, type Principal } from '../auth/context';
import { requirePermission, tenantOf, type TenantContext } from '../auth/authorize';
import { findApiKeyBySecret, touchApiKey } from '../apikeys';
import { findTenant } from '../tenants';
import { rateLimiter } from '../ratelimit';
import { effectiveQuotas, tierHas } from '../tiers';
import { apiCallsThisMonth, meterApiCall } from '../usage';
import { CLIENT_ADDRESS_HEADER } from '../http/client-address';
import { crossSiteMessage, crossSiteRefusal } from '../http/same-origin';
import type { AnyRouteDefinition, RouteDefinition } from './definition';

export interface ApiContext extends TenantContext {
  via: 'apikey' | 'session';
}

/**
 * What `apiRoute` reads of a request. Next.js route handlers adapt their NextRequest to it; the
 * fast path (lib/api/fast-path.ts) adapts Node's IncomingMessage, without building Web Request
 * and Response objects on the hot path.
 */
export interface ApiRequest {
  method: string;
  /** The URL's path, without the query. */
  pathname: string;
  searchParams: URLSearchParams;
  /** A header's value (repeated headers joined by ", "), or null. */
  header(name: string): string | null;
  /**
   * The whole body as text.
   * @throws AppError payload_too_large as soon as more than `maxBytes` bytes have arrived.
   */
  text(maxBytes: number): Promise<string>;
  /**
   * The body as a stream, read only as fast as it is consumed (uploads go to disk through it).
   * Destroying it stops reading; the rest of the body is then discarded as it arrives, so the
   * answer still reaches the client. An aborted client makes it error.
   */
  body(): Readable;
  /** The session principal from the request's cookies (API keys come in the Authorization header). */
  principal(): Promise<Principal | null>;
}

/** A route's answer: JSON with its status and extra headers, or a ready Response (files, PDFs). */
export type ApiAnswer = { status: number; headers: Record<string, string>; json: unknown } | { response: Response };

/** Answers for a credential are never stored by a browser or a shared cache (ASVS 4.0 V8.1.1, V8.2.1). */
const NO_STORE = 'no-store';

/** The API's error body (docs/serving.md): `{ error: { code, message, details } }`. */
function errorAnswer(e: AppError): ApiAnswer {
  const headers: Record<string, string> = { 'Cache-Control': NO_STORE };
  if (e.retryAfter !== undefined) headers['Retry-After'] = String(e.retryAfter);
  return { status: e.status, headers, json: { error: { code: e.code, message: e.message, details: e.details ?? {} } } };
}

/** The API's error response (docs/serving.md): `{ error: { code, message, details } }`. */
export function errorResponse(e: AppError): Response {
  return toResponse(errorAnswer(e));
}

function toResponse(a: ApiAnswer): Response {
  return 'response' in a ? a.response : NextResponse.json(a.json, { status: a.status, headers: a.headers });
}

/** Resolves the caller from an API key (Authorization: Bearer) or the session cookie. */
async function authenticate(req: ApiRequest): Promise<ApiContext> {
  const ip = req.header(CLIENT_ADDRESS_HEADER) ?? '';
  const auth = req.header('authorization');
  if (auth) {
    const match = /^Bearer\s+(\S+)$/i.exec(auth);
    const found = match ? await findApiKeyBySecret(match[1]) : undefined;
    if (!found) throw new AppError('unauthorized', 'The API key is missing, malformed, unknown or revoked.');
    const tenant = await findTenant(found.tenantId);
    if (!tenant) throw new AppError('unauthorized', 'The API key is missing, malformed, unknown or revoked.');
    if (tenant.status !== 'active') throw new AppError('forbidden', 'This organisation is suspended: its API keys do not work.');
    if (!tierHas(tenant.tier, 'api')) throw new AppError('forbidden', `API access is not part of the ${tenant.tier} plan.`);
    touchApiKey(tenant.id, found.key.id).catch((e: unknown) => console.error('api: recording the key\'s last use failed:', (e as Error).message));
    const actor: AuditActor = { type: 'apikey', id: found.key.id, label: `key ${found.key.name}` };
    return { tenantId: tenant.id, tenant, role: found.key.role as Role, actor, ip, userId: null, via: 'apikey' };
  }
  const p = await req.principal();
  if (!p) throw new AppError('unauthorized', 'Sign in, or send an API key as "Authorization: Bearer <key>".');
  // The session cookie rides along with requests other sites make the browser send: a change
  // must come from one of the app's own pages (the production server checked it already).
  const crossSite = crossSiteRefusal({ method: req.method, host: req.header('host'), origin: req.header('origin'), secFetchSite: req.header('sec-fetch-site'), referer: req.header('referer') });
  if (crossSite) throw new AppError('forbidden', crossSiteMessage(crossSite));
  const tenant = tenantOf(p, ip);
  if (!tenant.ok) throw tenant.error;
  return { ...tenant.ctx, via: 'session' };
}

/**
 * Calls a person's pages make for them (the job bars' polling, the wizard's preview, a download):
 * allowed per signed-in user and minute. They are the product's own traffic, so they neither
 * spend the organisation's API rate limit nor count against its paid monthly API calls.
 */
export const SESSION_CALLS_PER_MINUTE = 1200;

/** The rate limit (and, for API keys, the monthly quota and metering) this call falls under. */
async function checkRate(ctx: ApiContext): Promise<void> {
  if (ctx.via === 'session') {
    const decision = rateLimiter().take(`session:${ctx.tenantId}:${ctx.userId}`, SESSION_CALLS_PER_MINUTE);
    if (!decision.allowed) throw new AppError('rate_limited', `More than ${SESSION_CALLS_PER_MINUTE} requests a minute from your pages; wait a moment.`, { limit: SESSION_CALLS_PER_MINUTE }, decision.retryAfter);
    return;
  }
  const limit = effectiveQuotas(ctx.tenant.tier, ctx.tenant.quotaOverrides).rateLimitPerMinute;
  const decision = rateLimiter().take(`tenant:${ctx.tenantId}`, limit);
  if (!decision.allowed) {
    throw new AppError('rate_limited', `Rate limit of ${limit} requests a minute reached for this organisation.`, { limit }, decision.retryAfter);
  }
  const quota = effectiveQuotas(ctx.tenant.tier, ctx.tenant.quotaOverrides).apiCallsPerMonth;
  if ((await apiCallsThisMonth(ctx.tenantId)) >= quota) {
    throw new AppError('quota_exceeded', `This organisation has used its ${quota} API calls for the month. An admin can upgrade the plan.`, { quota });
  }
  meterApiCall(ctx.tenantId);
}

async function parseInput<T>(schema: ZodType<T>, raw: unknown, where: 'query' | 'body'): Promise<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('bad_request', `Invalid ${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || where}: ${i.message}`).join('; ')}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

function isJson(contentType: string | null): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * The query string as the route declares it: every parameter known to the route's schema, none
 * given twice, each value valid; a route without a query schema takes no parameters. A typo
 * (`?hoizon=60`) is an error naming it, never silently the default.
 */
async function parseQuery<Q>(schema: ZodType<Q> | undefined, params: URLSearchParams): Promise<Q> {
  const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const raw: Record<string, string> = {};
  for (const [name, value] of params) {
    const shown = JSON.stringify(name.slice(0, 60));
    if (!known.includes(name)) {
      const accepted = known.length ? `it takes ${known.join(', ')}` : 'it takes none';
      throw new AppError('bad_request', `Invalid query: unknown parameter ${shown}; ${accepted}.`, { issues: [{ path: name.slice(0, 60), message: 'unknown parameter' }] });
    }
    if (name in raw) throw new AppError('bad_request', `Invalid query: parameter ${shown} is given more than once.`, { issues: [{ path: name, message: 'given more than once' }] });
    raw[name] = value;
  }
  return schema ? parseInput(schema, raw, 'query') : (undefined as Q);
}

type RouteParams = { params: Promise<Record<string, string | string[]>> };

/** A JSON answer as the handler returns it: `generated_at` may be left to `apiRoute`. */
type Stamped<R> = R extends { generated_at: string } ? Omit<R, 'generated_at'> & { generated_at?: string } : R;
/** A route without a JSON schema (a file) answers with a Response; one with a schema, with its JSON. */
type HandlerResult<R> = [R] extends [never] ? Response : Stamped<R>;

type Handler<P, Q, B, R> = (ctx: ApiContext, input: { params: P; query: Q; body: B; req: ApiRequest }) => Promise<HandlerResult<R>>;

/** A Next.js route handler that the fast path can also call through `serve`, with its definition. */
export type ApiRoute = ((req: NextRequest, route: RouteParams) => Promise<Response>) & {
  serve: (req: ApiRequest, params: Record<string, string>) => Promise<ApiAnswer>;
  definition: AnyRouteDefinition;
};

/** The NextRequest as an ApiRequest. */
function fromNext(req: NextRequest): ApiRequest {
  return {
    method: req.method,
    pathname: req.nextUrl.pathname,
    searchParams: req.nextUrl.searchParams,
    header: (name) => req.headers.get(name),
    async text(maxBytes) {
      // Read with a byte count, so a chunked body with no Content-Length stops at the limit.
      if (!req.body) return '';
      const reader = req.body.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw new AppError('payload_too_large', `Body is over the limit of ${maxBytes} bytes.`, { limit: maxBytes });
        }
        chunks.push(value);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    body: () => webBodyAsNode(req.body),
    principal: () => currentPrincipal(),
  };
}

/** A Web request body as a Node stream that pulls a chunk only when its reader wants one. */
function webBodyAsNode(body: ReadableStream<Uint8Array> | null): Readable {
  if (!body) return Readable.from([]);
  const reader = body.getReader();
  return Readable.from(
    (async function* () {
      let ended = false;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            ended = true;
            return;
          }
          yield value;
        }
      } finally {
        // Read on and discard rather than cancel: the rest of the body is consumed as Node does for
        // a body nobody read, whatever stream Next.js built it from, and the answer goes out after.
        if (!ended) void (async () => {
          for (;;) if ((await reader.read()).done) return;
        })().catch(() => undefined);
      }
    })(),
    { objectMode: false },
  );
}

/**
 * The only way to build an `/api/v1` route handler, from its definition (which is also its OpenAPI
 * operation): authenticate (key or session), tenant from the credential (never from input), rate
 * limit, monthly quota, permission, zod-validated path, query and body, the declared status with
 * `generated_at` stamped on every JSON answer, errors in the API's error shape (docs/serving.md).
 */
export function apiRoute<P = Record<string, never>, Q = undefined, B = undefined, R = never>(definition: RouteDefinition<P, Q, B, R>, handler: Handler<P, Q, B, R>): ApiRoute {
  const serve = (req: ApiRequest, params: Record<string, string>) => answer(definition, handler, req, params);
  const route = async (req: NextRequest, route: RouteParams): Promise<Response> => {
    const rawParams = route?.params ? await route.params : {};
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawParams)) params[k] = Array.isArray(v) ? v.join('/') : v;
    return toResponse(await serve(fromNext(req), params));
  };
  return Object.assign(route, { serve, definition: definition as AnyRouteDefinition });
}

/** The path parameters as the route declares them; a value its schema refuses names nothing. */
function parseParams<P>(schema: ZodType<P> | undefined, raw: Record<string, string>): P {
  if (!schema) return raw as P;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError('not_found', 'No such API endpoint.');
  return parsed.data;
}

/** The handler's JSON with `generated_at`, unless it says itself when its data was computed. */
function stamped(json: object): object {
  return (json as { generated_at?: unknown }).generated_at === undefined ? { generated_at: new Date().toISOString(), ...json } : json;
}

async function answer<P, Q, B, R>(definition: RouteDefinition<P, Q, B, R>, handler: Handler<P, Q, B, R>, req: ApiRequest, rawParams: Record<string, string>): Promise<ApiAnswer> {
  let ctx: ApiContext | undefined;
  try {
    ctx = await authenticate(req);
    await checkRate(ctx);
    await requirePermission(ctx, definition.permission, { target: req.pathname });
    const params = parseParams(definition.params, rawParams);
    const query = await parseQuery(definition.query, req.searchParams);
    let body = undefined as B;
    if (definition.body) {
      // A form or text/plain body is what a page of another site can send without asking; a
      // session caller's JSON must say it is JSON. (API clients are not held to it.)
      if (ctx.via === 'session' && !isJson(req.header('content-type'))) {
        throw new AppError('unsupported_media_type', 'Send the body as JSON with "Content-Type: application/json".');
      }
      const limit = definition.maxBodyBytes ?? 1024 * 1024;
      const declared = Number(req.header('content-length') ?? '0');
      if (declared > limit) throw new AppError('payload_too_large', `Body is ${declared} bytes; the limit is ${limit}.`, { limit });
      const text = await req.text(limit);
      let raw: unknown;
      try {
        raw = text === '' ? {} : JSON.parse(text);
      } catch (e) {
        throw new AppError('bad_request', `Body is not valid JSON: ${(e as Error).message}`);
      }
      body = await parseInput(definition.body, raw, 'body');
    }
    const result: unknown = await handler(ctx, { params, query, body, req });
    if (definition.audit) await recordAudit(ctx.tenantId, { actor: ctx.actor, action: definition.audit, outcome: 'success', ip: ctx.ip, target: req.pathname });
    if (result instanceof Response) {
      if (!result.headers.has('cache-control')) result.headers.set('Cache-Control', NO_STORE);
      return { response: result };
    }
    return { status: definition.response.status, headers: { 'Cache-Control': NO_STORE }, json: stamped(result as object) };
  } catch (e) {
    if (isAppError(e)) {
      if (definition.audit && ctx && e.code !== 'forbidden') {
        await recordAudit(ctx.tenantId, { actor: ctx.actor, action: definition.audit, outcome: 'failure', ip: ctx.ip, target: req.pathname, details: { error: e.message } });
      }
      return errorAnswer(e);
    }
    console.error(`api ${req.method} ${req.pathname} failed:`, e);
    return errorAnswer(new AppError('internal', 'Internal error; it has been logged.'));
  }
}
