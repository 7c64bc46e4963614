import { apiRoute } from '@/lib/api/handler';
import { listAlerts } from '@/lib/alerts';
import { alertListQuerySchema } from '@/lib/schemas/alerts';

export const dynamic = 'force-dynamic';

export const GET = apiRoute({ permission: 'alerts.read', query: alertListQuerySchema }, async (ctx, { query }) => ({
  alerts: await listAlerts(ctx.tenantId, { open: query.status === 'all' ? undefined : query.status === 'open', kind: query.kind, limit: query.limit }),
  generated_at: new Date().toISOString(),
}));
