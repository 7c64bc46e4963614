import 'server-only';
import { forbidden, redirect } from 'next/navigation';
import { headers } from 'next/headers';
import { REQUESTED_PATH_HEADER, safeReturnPath } from '../http/return-path';
import { can, type Permission, type Role } from './permissions';
import { actorOf, currentPrincipal, requestIp, type Principal } from './context';
import type { Tenant } from '../schemas/tenant';
import type { AuditActor } from '../audit';
import { tierHas, type TierFeature } from '../tiers';

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

export function tenantContextOf(p: Extract<Principal, { kind: 'user' }>, ip: string): TenantContext {
  return { tenantId: p.tenantId, tenant: p.tenant, role: p.role, actor: actorOf(p), ip, userId: p.userId };
}

/** Sign-in, then back to the page that was asked for (its query included), or to `fallback`. */
export async function signInAndReturn(fallback = '/'): Promise<never> {
  const back = safeReturnPath((await headers()).get(REQUESTED_PATH_HEADER), fallback);
  redirect(`/signin?callbackUrl=${encodeURIComponent(back)}`);
}

/**
 * For pages: the signed-in tenant user holding `permission`, else a redirect to sign-in (no session;
 * back to the same page and query after it) or the 403 page (a role without the permission); a
 * platform admin, who has no tenant data, goes to the tenants page.
 */
export async function requirePage(permission: Permission, path = '/'): Promise<TenantContext> {
  const p = await currentPrincipal();
  if (!p) return signInAndReturn(path);
  if (p.kind !== 'user') redirect('/platform/tenants');
  if (!can(p.role, permission)) forbidden();
  return tenantContextOf(p, await requestIp());
}

/** For pages that need a plan feature (e.g. API access, white-label). */
export function requireFeaturePage(ctx: TenantContext, feature: TierFeature): void {
  if (!tierHas(ctx.tenant.tier, feature)) forbidden();
}

/** For platform-admin pages. */
export async function requirePlatformPage(path = '/platform/tenants'): Promise<PlatformContext> {
  const p = await currentPrincipal();
  if (!p) return signInAndReturn(path);
  if (p.kind !== 'platform') forbidden();
  return { actor: actorOf(p), ip: await requestIp(), userId: p.userId, email: p.email };
}
