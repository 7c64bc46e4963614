import { apiRoute } from '@/lib/api/handler';
import { can, PERMISSION_NAMES } from '@/lib/auth/permissions';

export const dynamic = 'force-dynamic';

/** Who the caller is: tenant, role, and what the role allows. */
export const GET = apiRoute({ permission: 'dashboards.read' }, async (ctx) => ({
  tenant: { id: ctx.tenantId, name: ctx.tenant.branding.displayName, tier: ctx.tenant.tier },
  role: ctx.role,
  via: ctx.via,
  actor: ctx.actor.label,
  permissions: PERMISSION_NAMES.filter((p) => can(ctx.role, p)),
  generated_at: new Date().toISOString(),
}));
