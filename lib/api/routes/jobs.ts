import { z } from 'zod';
import { apiRoute } from '../handler';
import { answerSchema } from '../definition';
import { cancelJob } from '../../jobs/submit';
import { getJobOrThrow, listJobs } from '../../jobs/store';
import { JOB_PERMISSION } from '../../jobs/permissions';
import { requirePermission } from '../../auth/authorize';
import { jobListQuerySchema, jobSchema, type Job } from '../../schemas/jobs';

/** A job as stored, for the examples: an import half done. */
export const exampleJob: Job = {
  id: 'j_8d2f0a6c4e1b9375',
  tenantId: 'acme',
  kind: 'ingest',
  status: 'running',
  progress: { done: 3, total: 8, message: 'Validating price_history.csv' },
  params: { format: 'retail', mode: 'append', files: 8 },
  result: null,
  error: null,
  createdAt: '2024-05-02T07:59:00.000Z',
  createdBy: 'ana@acme.test',
  startedAt: '2024-05-02T07:59:01.000Z',
  finishedAt: null,
  pid: 41873,
  preparedBy: null,
  cancelRequested: false,
  committed: null,
  actor: { type: 'user', id: 'u_3f9a1c2b7d4e5f60', label: 'ana@acme.test' },
};

const idParams = z.object({ id: z.string() });

/** `GET /api/v1/jobs`: recent jobs, newest first. */
export const listJobsRoute = apiRoute(
  {
    method: 'GET',
    path: '/jobs',
    operationId: 'listJobs',
    summary: 'Recent jobs (imports, training), newest first',
    permission: 'dashboards.read',
    query: jobListQuerySchema,
    exampleRequest: { query: { kind: 'ingest', limit: '5' } },
    response: { status: 200, description: 'Jobs', schema: answerSchema({ jobs: z.array(jobSchema) }), example: { jobs: [exampleJob], generated_at: '2024-05-02T08:00:00.000Z' } },
  },
  async (ctx, { query }) => ({ jobs: await listJobs(ctx.tenantId, query) }),
);

/** `GET /api/v1/jobs/{id}`: one job of the caller's tenant: status, progress, result or the reason it failed. */
export const getJobRoute = apiRoute(
  {
    method: 'GET',
    path: '/jobs/{id}',
    operationId: 'getJob',
    summary: 'One job: status, progress, result or why it failed',
    permission: 'dashboards.read',
    params: idParams,
    exampleRequest: { params: { id: exampleJob.id } },
    response: { status: 200, description: 'The job', schema: answerSchema({ job: jobSchema }), example: { job: exampleJob, generated_at: '2024-05-02T08:00:00.000Z' } },
  },
  async (ctx, { params }) => ({ job: await getJobOrThrow({ tenantId: ctx.tenantId, jobId: params.id }) }),
);

/** `POST /api/v1/jobs/{id}/cancel`: cancels a running job; the caller needs the permission that starts jobs of its kind. */
export const cancelJobRoute = apiRoute(
  {
    method: 'POST',
    path: '/jobs/{id}/cancel',
    operationId: 'cancelJob',
    summary: 'Cancel a running job (needs the permission that starts it)',
    permission: 'dashboards.read',
    params: idParams,
    exampleRequest: { params: { id: exampleJob.id } },
    errors: ['conflict'],
    response: {
      status: 200,
      description: 'The job',
      schema: answerSchema({ job: jobSchema }),
      example: { job: { ...exampleJob, cancelRequested: true }, generated_at: '2024-05-02T08:00:00.000Z' },
    },
  },
  async (ctx, { params, req }) => {
    const job = await getJobOrThrow({ tenantId: ctx.tenantId, jobId: params.id });
    await requirePermission(ctx, JOB_PERMISSION[job.kind], { target: req.pathname });
    return { job: await cancelJob(ctx, job.id) };
  },
);
