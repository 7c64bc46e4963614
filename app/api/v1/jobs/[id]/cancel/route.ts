import { apiRoute } from '@/lib/api/handler';
import { cancelJob } from '@/lib/jobs/submit';
import { getJobOrThrow } from '@/lib/jobs/store';
import { can } from '@/lib/auth/permissions';
import { AppError } from '@/lib/errors';
import { JOB_PERMISSION } from '@/lib/jobs/permissions';

export const dynamic = 'force-dynamic';

/** Cancels a running job; the caller needs the permission that starts jobs of its kind. */
export const POST = apiRoute({ permission: 'dashboards.read' }, async (ctx, { params }) => {
  const job = await getJobOrThrow({ tenantId: ctx.tenantId, jobId: params.id });
  if (!can(ctx.role, JOB_PERMISSION[job.kind])) throw new AppError('forbidden', `Your role (${ctx.role}) lacks the permission "${JOB_PERMISSION[job.kind]}".`);
  return { job: await cancelJob(ctx, job.id), generated_at: new Date().toISOString() };
});
