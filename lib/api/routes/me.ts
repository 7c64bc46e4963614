import { z } from 'zod';
import { apiRoute } from '../handler';
import { answerSchema } from '../definition';
import { can, PERMISSION_NAMES } from '../../auth/permissions';
import { roleSchema, tierSchema } from '../../schemas/tenant';

/** `GET /api/v1/me`: who the caller is: tenant, role, and what the role allows. */
export const getMeRoute = apiRoute(
  {
    method: 'GET',
    path: '/me',
    operationId: 'getMe',
    summary: 'Who the caller is: tenant, role, permissions',
    permission: 'dashboards.read',
    fast: true,
    response: {
      status: 200,
      description: 'The caller',
      schema: answerSchema({
        tenant: z.object({ id: z.string(), name: z.string(), tier: tierSchema }),
        role: roleSchema,
        via: z.enum(['apikey', 'session']).describe('How the caller authenticated: an API key or a signed-in session'),
        actor: z.string().describe('The caller as the audit log names it'),
        permissions: z.array(z.enum(PERMISSION_NAMES)).describe("The permissions the caller's role holds"),
      }),
      example: {
        tenant: { id: 'acme', name: 'Acme Stores', tier: 'enterprise' },
        role: 'viewer',
        via: 'apikey',
        actor: 'key nightly-sync',
        permissions: ['dashboards.read', 'models.read', 'data.read', 'alerts.read'],
        generated_at: '2024-05-02T08:00:00.000Z',
      },
    },
  },
  async (ctx) => ({
    tenant: { id: ctx.tenantId, name: ctx.tenant.branding.displayName, tier: ctx.tenant.tier },
    role: ctx.role,
    via: ctx.via,
    actor: ctx.actor.label,
    permissions: PERMISSION_NAMES.filter((p) => can(ctx.role, p)),
  }),
);
