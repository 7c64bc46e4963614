import { z } from 'zod';
import { apiRoute } from '@/lib/api/handler';
import { listJobs } from '@/lib/jobs/store';
import { jobKindSchema } from '@/lib/schemas/jobs';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(
  { permission: 'dashboards.read', query: z.object({ kind: jobKindSchema.optional(), limit: z.coerce.number().int().min(1).max(200).default(20) }) },
  async (ctx, { query }) => ({ jobs: await listJobs(ctx.tenantId, query), generated_at: new Date().toISOString() }),
);
