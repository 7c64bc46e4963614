import { apiRoute } from '@/lib/api/handler';
import { listJobs } from '@/lib/jobs/store';
import { jobListQuerySchema } from '@/lib/schemas/jobs';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(
  { permission: 'dashboards.read', query: jobListQuerySchema },
  async (ctx, { query }) => ({ jobs: await listJobs(ctx.tenantId, query), generated_at: new Date().toISOString() }),
);
