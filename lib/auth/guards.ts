import 'server-only';
import { forbidden, redirect } from 'next/navigation';
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

/**
 * For pages: the signed-in tenant user holding `permission`, else a redirect to sign-in (no session)
 * or the 403 page (a role without the permission); a platform admin, who has no tenant data, goes
 * to the tenants page.
 */
export async function requirePage(permission: Permission, path = '/'): Promise<TenantContext> {
  const p = await currentPrincipal();
  if (!p) redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
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
  if (!p) redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  if (p.kind !== 'platform') forbidden();
  return { actor: actorOf(p), ip: await requestIp(), userId: p.userId, email: p.email };
}
