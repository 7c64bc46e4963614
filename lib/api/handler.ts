import 'server-only';
import { NextResponse, type NextRequest } from 'next/server';
import type { ZodType } from 'zod';
import { AppError, isAppError } from '../errors';
import { recordAudit, type AuditActor } from '../audit';
import { can, type Permission, type Role } from '../auth/permissions';
import { currentPrincipal, actorOf } from '../auth/context';
import type { TenantContext } from '../auth/guards';
import { findApiKeyBySecret, touchApiKey } from '../apikeys';
import { findTenant } from '../tenants';
import { rateLimiter } from '../ratelimit';
import { effectiveQuotas, tierHas } from '../tiers';
import { apiCallsThisMonth, meterApiCall } from '../usage';

export interface ApiContext extends TenantContext {
  via: 'apikey' | 'session';
}

/** SPEC 7 error body: `{ error: { code, message, details } }`. */
export function errorResponse(e: AppError): NextResponse {
  const res = NextResponse.json({ error: { code: e.code, message: e.message, details: e.details ?? {} } }, { status: e.status });
  if (e.retryAfter !== undefined) res.headers.set('Retry-After', String(e.retryAfter));
  return res;
}

function ipOf(req: NextRequest): string {
  return req.headers.get('x-forwarded-for')?.split(',')[0].trim() || req.headers.get('x-real-ip') || '';
}

/** Resolves the caller from an API key (Authorization: Bearer) or the session cookie. */
async function authenticate(req: NextRequest): Promise<ApiContext> {
  const ip = ipOf(req);
  const auth = req.headers.get('authorization');
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
  const p = await currentPrincipal();
  if (!p) throw new AppError('unauthorized', 'Sign in, or send an API key as "Authorization: Bearer <key>".');
  if (p.kind !== 'user') throw new AppError('forbidden', 'Platform admins have no tenant data; sign in as a user of the organisation.');
  return { tenantId: p.tenantId, tenant: p.tenant, role: p.role, actor: actorOf(p), ip, userId: p.userId, via: 'session' };
}

function checkRate(ctx: ApiContext): void {
  const limit = effectiveQuotas(ctx.tenant.tier, ctx.tenant.quotaOverrides).rateLimitPerMinute;
  const decision = rateLimiter().take(`tenant:${ctx.tenantId}`, limit);
  if (!decision.allowed) {
    throw new AppError('rate_limited', `Rate limit of ${limit} requests a minute reached for this organisation.`, { limit }, decision.retryAfter);
  }
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

interface RouteOptions<Q, B> {
  permission: Permission;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** Largest accepted body in bytes (413 above). */
  maxBodyBytes?: number;
  /** Audit this call as a state change under this action name. */
  audit?: string;
}

type RouteParams = { params: Promise<Record<string, string | string[]>> };

/**
 * The only way to build an `/api/v1` route handler: authenticate (key or session), tenant from the
 * credential (never from input), rate limit, permission, zod-validated query and body, errors in the
 * SPEC 7 shape.
 */
export function apiRoute<Q = undefined, B = undefined>(
  options: RouteOptions<Q, B>,
  handler: (ctx: ApiContext, input: { query: Q; body: B; params: Record<string, string>; req: NextRequest }) => Promise<Response | Record<string, unknown>>,
) {
  return async (req: NextRequest, route: RouteParams): Promise<Response> => {
    let ctx: ApiContext | undefined;
    try {
      ctx = await authenticate(req);
      checkRate(ctx);
      const quota = effectiveQuotas(ctx.tenant.tier, ctx.tenant.quotaOverrides).apiCallsPerMonth;
      if ((await apiCallsThisMonth(ctx.tenantId)) >= quota) {
        throw new AppError('quota_exceeded', `This organisation has used its ${quota} API calls for the month. An admin can upgrade the plan.`, { quota });
      }
      meterApiCall(ctx.tenantId);
      if (!can(ctx.role, options.permission)) {
        await recordAudit(ctx.tenantId, { actor: ctx.actor, action: options.permission, outcome: 'denied', ip: ctx.ip, target: req.nextUrl.pathname });
        throw new AppError('forbidden', `Your role (${ctx.role}) lacks the permission "${options.permission}".`);
      }
      const query = options.query ? await parseInput(options.query, Object.fromEntries(req.nextUrl.searchParams), 'query') : (undefined as Q);
      let body = undefined as B;
      if (options.body) {
        const limit = options.maxBodyBytes ?? 1024 * 1024;
        const declared = Number(req.headers.get('content-length') ?? '0');
        if (declared > limit) throw new AppError('payload_too_large', `Body is ${declared} bytes; the limit is ${limit}.`, { limit });
        const text = await req.text();
        if (Buffer.byteLength(text) > limit) throw new AppError('payload_too_large', `Body is over the limit of ${limit} bytes.`, { limit });
        let raw: unknown;
        try {
          raw = text === '' ? {} : JSON.parse(text);
        } catch (e) {
          throw new AppError('bad_request', `Body is not valid JSON: ${(e as Error).message}`);
        }
        body = await parseInput(options.body, raw, 'body');
      }
      const rawParams = route?.params ? await route.params : {};
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(rawParams)) params[k] = Array.isArray(v) ? v.join('/') : v;
      const result = await handler(ctx, { query, body, params, req });
      if (options.audit) await recordAudit(ctx.tenantId, { actor: ctx.actor, action: options.audit, outcome: 'success', ip: ctx.ip, target: req.nextUrl.pathname });
      return result instanceof Response ? result : NextResponse.json(result);
    } catch (e) {
      if (isAppError(e)) {
        if (options.audit && ctx && e.code !== 'forbidden') {
          await recordAudit(ctx.tenantId, { actor: ctx.actor, action: options.audit, outcome: 'failure', ip: ctx.ip, target: req.nextUrl.pathname, details: { error: e.message } });
        }
        return errorResponse(e);
      }
      console.error(`api ${req.method} ${req.nextUrl.pathname} failed:`, e);
      return errorResponse(new AppError('internal', 'Internal error; it has been logged.'));
    }
  };
}
