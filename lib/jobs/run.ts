import { recordAudit, SYSTEM_ACTOR } from '../audit';
import { findTenant } from '../tenants';
import { ingestDataset } from '../datasets/ingest';
import type { Job, JobKind } from '../schemas/jobs';
import { readStagedUpload, removeStagedUpload } from './staging';
import { getJobOrThrow, updateJob } from './store';

export interface JobContext {
  job: Job;
  progress: (done: number, total: number, message: string) => void;
  signal: AbortSignal;
}

/** A handler's result; `failed` set means the job ran but did not do its work (e.g. invalid files), said why. */
type JobResult = Record<string, unknown> & { failed?: string };
type JobHandler = (ctx: JobContext) => Promise<JobResult>;

/** What each kind of job does. A handler reports progress and stops when `signal` aborts. */
const HANDLERS: Record<JobKind, JobHandler> = {
  async ingest({ job, progress, signal }) {
    try {
      const tenant = await findTenant(job.tenantId);
      if (!tenant) throw new Error('The tenant no longer exists.');
      const request = await readStagedUpload(job.tenantId, job.id);
      const outcome = await ingestDataset(tenant, request, { type: 'user', id: job.createdBy, label: job.createdBy }, progress, signal);
      return { ...outcome, ...(outcome.status === 'invalid' ? { failed: outcome.message } : {}) };
    } finally {
      await removeStagedUpload(job.tenantId, job.id);
    }
  },
};

const PROGRESS_WRITE_MS = 200;

/**
 * Runs one queued job to its end in this process, writing progress (at most every 200 ms) and the
 * outcome to its record. Used by the job worker process and by the CLI.
 */
export async function runJob(tenantId: string, jobId: string, options: { signal?: AbortSignal; onProgress?: JobContext['progress'] } = {}): Promise<Job> {
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort(options.signal?.reason));
  let job = await updateJob(tenantId, jobId, (j) => ({ ...j, status: 'running', startedAt: new Date().toISOString(), pid: process.pid }));
  if (job.cancelRequested) controller.abort(new Error('cancelled'));
  let lastWrite = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const progress = (done: number, total: number, message: string) => {
    options.onProgress?.(done, total, message);
    const now = Date.now();
    if (now - lastWrite < PROGRESS_WRITE_MS && done < total) return;
    lastWrite = now;
    pending = pending.then(async () => {
      const current = await updateJob(tenantId, jobId, (j) => ({ ...j, progress: { done, total, message } }));
      if (current.cancelRequested) controller.abort(new Error('cancelled'));
    });
  };
  try {
    const result = await HANDLERS[job.kind]({ job, progress, signal: controller.signal });
    await pending;
    job = await updateJob(tenantId, jobId, (j) => ({
      ...j,
      status: result.failed ? 'failed' : 'succeeded',
      error: result.failed ?? null,
      result,
      progress: result.failed ? j.progress : { ...j.progress, done: j.progress.total },
      finishedAt: new Date().toISOString(),
    }));
  } catch (e) {
    await pending.catch(() => undefined);
    const cancelled = controller.signal.aborted;
    const message = e instanceof Error ? e.message : String(e);
    job = await updateJob(tenantId, jobId, (j) => ({
      ...j,
      status: cancelled ? 'cancelled' : 'failed',
      error: cancelled ? null : message,
      finishedAt: new Date().toISOString(),
    }));
    await recordAudit(tenantId, { actor: SYSTEM_ACTOR, action: `jobs.${job.kind}`, target: jobId, outcome: 'failure', details: { reason: cancelled ? 'cancelled' : message } });
  }
  return job;
}

export { getJobOrThrow };
