import { randomBytes } from 'node:crypto';
import { processAlive, processStillRunning, type ProcessIdentity } from '../process';
import { AppError } from '../errors';
import { storage, tenantPath } from '../storage';
import { jobSchema, type Job, type JobKind } from '../schemas/jobs';
import type { AuditActor } from '../audit';

/** Job records: `tenants/<tenant>/jobs/<id>.json`, one atomic document each. */
const jobKey = (tenantId: string, jobId: string) => tenantPath(tenantId, 'tenants', 'jobs', `${jobId}.json`);


/**
 * A job that ended (stopped, killed or failed) after its work was saved for good: it succeeded,
 * with its `committed` message (what was saved) and `why` (what did not finish, and why).
 */
export function committedEnd(job: Job, why: string): Job {
  return { ...job, status: 'succeeded', error: null, result: { ...(job.result ?? {}), message: `${job.committed} ${why}` }, progress: { ...job.progress, done: job.progress.total }, finishedAt: job.finishedAt ?? new Date().toISOString() };
}

/** A job whose process is gone while it was queued or running ended without saying so. */
function settle(job: Job): Job {
  if (job.status === 'queued' && job.pid === null && job.preparedBy && !processStillRunning(job.preparedBy)) {
    return job.cancelRequested
      ? { ...job, status: 'cancelled', finishedAt: job.finishedAt ?? new Date().toISOString(), error: null }
      : { ...job, status: 'failed', finishedAt: job.finishedAt ?? new Date().toISOString(), error: 'The job never started: the process preparing it stopped (e.g. a server restart while its files were uploading). Nothing was done; start it again.' };
  }
  if ((job.status === 'running' || job.status === 'queued') && job.pid !== null && !processAlive(job.pid)) {
    if (job.committed) return committedEnd(job, 'Its process ended before the last checks finished (e.g. a cancel or a restart); what was saved stands.');
    return job.cancelRequested
      ? { ...job, status: 'cancelled', finishedAt: job.finishedAt ?? new Date().toISOString(), error: null }
      : { ...job, status: 'failed', finishedAt: job.finishedAt ?? new Date().toISOString(), error: 'The job stopped unexpectedly (its process ended, e.g. a server restart). Nothing half-done was kept; start it again.' };
  }
  return job;
}

/** A new queued job; `preparedBy` is the process that will stage its input and start its worker. */
export async function createJob(tenantId: string, kind: JobKind, params: Record<string, unknown>, actor: AuditActor, preparedBy: ProcessIdentity | null = null): Promise<Job> {
  const job: Job = {
    id: `j_${randomBytes(8).toString('hex')}`,
    tenantId,
    kind,
    status: 'queued',
    progress: { done: 0, total: 1, message: 'Queued' },
    params,
    result: null,
    error: null,
    createdAt: new Date().toISOString(),
    createdBy: actor.label,
    startedAt: null,
    finishedAt: null,
    pid: null,
    preparedBy,
    cancelRequested: false,
    actor,
  };
  await storage().writeJson(jobKey(tenantId, job.id), job);
  return job;
}

/** The tenant's job (scoped lookup: another tenant's id is not found). */
export async function getJobOrThrow({ tenantId, jobId }: { tenantId: string; jobId: string }): Promise<Job> {
  if (!/^j_[a-z0-9]{16}$/.test(jobId)) throw new AppError('not_found', 'Job not found.');
  const job = await storage().readJson(jobKey(tenantId, jobId), jobSchema);
  if (!job) throw new AppError('not_found', 'Job not found.');
  return settle(job);
}

export async function updateJob(tenantId: string, jobId: string, change: (j: Job) => Job): Promise<Job> {
  return storage().updateJson(
    jobKey(tenantId, jobId),
    jobSchema,
    () => {
      throw new AppError('not_found', 'Job not found.');
    },
    change,
  );
}

/** Newest first. */
export async function listJobs(tenantId: string, filter: { kind?: JobKind; limit?: number } = {}): Promise<Job[]> {
  const names = (await storage().list(tenantPath(tenantId, 'tenants', 'jobs'))).filter((n) => /^j_[a-z0-9]{16}\.json$/.test(n));
  const jobs: Job[] = [];
  for (const name of names) {
    const job = await storage().readJson(tenantPath(tenantId, 'tenants', 'jobs', name), jobSchema).catch(() => undefined);
    if (job && (!filter.kind || job.kind === filter.kind)) jobs.push(settle(job));
  }
  jobs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  return jobs.slice(0, filter.limit ?? 50);
}

export function isActive(job: Job): boolean {
  return job.status === 'queued' || job.status === 'running';
}
