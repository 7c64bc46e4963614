import { apiRoute } from '@/lib/api/handler';
import { getJobOrThrow } from '@/lib/jobs/store';

export const dynamic = 'force-dynamic';

/** One job of the caller's tenant: status, progress, result or the reason it failed. */
export const GET = apiRoute({ permission: 'dashboards.read' }, async (ctx, { params }) => ({
  job: await getJobOrThrow({ tenantId: ctx.tenantId, jobId: params.id }),
  generated_at: new Date().toISOString(),
}));
