import 'server-only';
import { AppError } from '../errors';
import { recordAudit, type AuditActor } from '../audit';
import type { Tenant } from '../schemas/tenant';
import { can, PLATFORM_PERMISSIONS, type Permission, type PlatformPermission, type Role } from './permissions';
import { actorOf, type Principal } from './context';

/**
 * The one authorisation step: principal -> tenant -> permission -> audit. Pages, server actions,
 * API routes and session routes all call it and differ only in how they answer a refusal (a
 * redirect or the 403 page, an ActionState, a `{ error }` JSON body).
 */

/** What a page, action or route body gets once session, tenant and permission are checked. */
export interface TenantContext {
  tenantId: string;
  tenant: Tenant;
  role: Role;
  actor: AuditActor;
  ip: string;
  userId: string | null;
}

export type PlatformContext = { actor: AuditActor; ip: string; userId: string; email: string };

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/**
 * Why a caller was refused: no valid session; a platform admin, who has no tenant data, at a
 * tenant's door; a tenant user at a platform admin's; a role without the permission.
 */
export type Refusal = 'signed_out' | 'no_tenant' | 'not_platform' | 'forbidden';

export type Authorization<C> = { ok: true; ctx: C } | { ok: false; refusal: Refusal; error: AppError };

export interface AuthorizeOptions {
  /** The client's address, for the context and the audit record. */
  ip: string;
  /** What was asked for (a path), recorded with a refusal. */
  target?: string;
  /**
   * Record a refused permission in the audit log. Actions and routes do (an attempted change or
   * a data request); pages do not: a refused page changes nothing and shows nothing.
   */
  audit: boolean;
}

/** The 403 of a role without a permission: one wording for every kind of answer. */
export function lacksPermission(role: Role, permission: Permission): AppError {
  return new AppError('forbidden', `Your role (${role}) lacks the permission "${permission}".`);
}

/** A tenant user's context (the tenant from the session, never from input). */
export function tenantContextOf(p: UserPrincipal, ip: string): TenantContext {
  return { tenantId: p.tenantId, tenant: p.tenant, role: p.role, actor: actorOf(p), ip, userId: p.userId };
}

const signedOut = (): Authorization<never> => ({ ok: false, refusal: 'signed_out', error: new AppError('unauthorized', 'Sign in first.') });

/** The tenant a principal acts for, before any permission: a platform admin has none. */
export function tenantOf(p: Principal | null, ip: string): Authorization<TenantContext> {
  if (!p) return signedOut();
  if (p.kind !== 'user') return { ok: false, refusal: 'no_tenant', error: new AppError('forbidden', 'Platform admins have no tenant data; sign in as a user of the organisation.') };
  return { ok: true, ctx: tenantContextOf(p, ip) };
}

async function recordRefusal(tenantId: string, actor: AuditActor, permission: Permission | PlatformPermission, options: Omit<AuthorizeOptions, 'audit'>, reason: string): Promise<void> {
  await recordAudit(tenantId, { actor, action: permission, outcome: 'denied', ip: options.ip, target: options.target, details: { reason } });
}

/**
 * Whether the context's role holds `permission`; a refusal is audited (or not) as `options` say.
 * The building block of `authorize` and `requirePermission`.
 */
async function checkPermission(ctx: TenantContext, permission: Permission, options: Omit<AuthorizeOptions, 'ip'>): Promise<Authorization<TenantContext>> {
  if (can(ctx.role, permission)) return { ok: true, ctx };
  if (options.audit) await recordRefusal(ctx.tenantId, ctx.actor, permission, { ip: ctx.ip, target: options.target }, `role ${ctx.role}`);
  return { ok: false, refusal: 'forbidden', error: lacksPermission(ctx.role, permission) };
}

/**
 * Checks a tenant context for a permission (CONVENTIONS: the only way to check one in code that
 * already holds a context, e.g. a job's own permission in a route body).
 * @throws AppError forbidden, audited as denied, when the role lacks it.
 */
export async function requirePermission(ctx: TenantContext, permission: Permission, where: { target?: string } = {}): Promise<void> {
  const r = await checkPermission(ctx, permission, { audit: true, target: where.target });
  if (!r.ok) throw r.error;
}

/**
 * The caller's context when the principal may use `permission`: a tenant permission needs a user
 * of a tenant whose role holds it, a platform permission a platform admin. Never throws for a
 * refusal: the caller answers it its own way.
 */
export async function authorize(principal: Principal | null, permission: Permission, options: AuthorizeOptions): Promise<Authorization<TenantContext>>;
export async function authorize(principal: Principal | null, permission: PlatformPermission, options: AuthorizeOptions): Promise<Authorization<PlatformContext>>;
export async function authorize(principal: Principal | null, permission: Permission | PlatformPermission, options: AuthorizeOptions): Promise<Authorization<TenantContext | PlatformContext>> {
  if (isPlatformPermission(permission)) {
    if (!principal) return signedOut();
    if (principal.kind !== 'platform') {
      if (options.audit) await recordRefusal(principal.tenantId, actorOf(principal), permission, options, 'not a platform admin');
      return { ok: false, refusal: 'not_platform', error: new AppError('forbidden', 'Only platform admins may do this.') };
    }
    return { ok: true, ctx: { actor: actorOf(principal), ip: options.ip, userId: principal.userId, email: principal.email } };
  }
  const tenant = tenantOf(principal, options.ip);
  return tenant.ok ? checkPermission(tenant.ctx, permission, options) : tenant;
}

function isPlatformPermission(p: Permission | PlatformPermission): p is PlatformPermission {
  return (PLATFORM_PERMISSIONS as readonly string[]).includes(p);
}
