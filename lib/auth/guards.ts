import 'server-only';
import { forbidden, redirect } from 'next/navigation';
import { headers } from 'next/headers';
import { REQUESTED_PATH_HEADER, safeReturnPath } from '../http/return-path';
import type { Permission, PlatformPermission } from './permissions';
import { currentPrincipal, requestIp } from './context';
import { authorize, type PlatformContext, type TenantContext } from './authorize';
import { tierHas, type TierFeature } from '../tiers';

export type { PlatformContext, TenantContext } from './authorize';

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
  const r = await authorize(await currentPrincipal(), permission, { ip: await requestIp(), audit: false });
  if (r.ok) return r.ctx;
  if (r.refusal === 'signed_out') return signInAndReturn(path);
  if (r.refusal === 'no_tenant') redirect('/platform/tenants');
  forbidden();
}

/** For pages that need a plan feature (e.g. API access, white-label). */
export function requireFeaturePage(ctx: TenantContext, feature: TierFeature): void {
  if (!tierHas(ctx.tenant.tier, feature)) forbidden();
}

/** For platform-admin pages: a tenant user gets the 403 page. */
export async function requirePlatformPage(path = '/platform/tenants', permission: PlatformPermission = 'tenants.manage'): Promise<PlatformContext> {
  const r = await authorize(await currentPrincipal(), permission, { ip: await requestIp(), audit: false });
  if (r.ok) return r.ctx;
  if (r.refusal === 'signed_out') return signInAndReturn(path);
  forbidden();
}
