import { apiRoute } from '@/lib/api/handler';
import { acknowledgeAlert } from '@/lib/alerts';
import { AppError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

export const POST = apiRoute({ permission: 'alerts.acknowledge' }, async (ctx, { params }) => {
  if (!/^a_[a-f0-9]{12}$/.test(params.id ?? '')) throw new AppError('not_found', 'Alert not found.');
  await acknowledgeAlert(ctx.tenantId, params.id, ctx.actor, ctx.ip);
  return { acknowledged: params.id, generated_at: new Date().toISOString() };
});
