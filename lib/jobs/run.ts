import { recordAudit, SYSTEM_ACTOR } from '../audit';
import { findTenant } from '../tenants';
import { ingestDataset } from '../datasets/ingest';
import { retrainJobParamsSchema, trainJobParamsSchema, type Job, type JobKind } from '../schemas/jobs';
import type { AuditActor } from '../audit';
import { recordExperiment } from '../experiments';
import { trainAndRegister, trialExperiment } from '../training/register';
import { readManifest } from '../datasets/store';
import { datasetFingerprint } from '../training';
import { runRetrainCycle } from '../retraining/cycle';
import { trainingDeps } from '../retraining/deps';
import { readStagedUpload, removeStagedUpload } from './staging';
import type { TreeKernels } from '@/ml/trees/kernels';
import { committedEnd, getJobOrThrow, updateJob } from './store';

export interface JobContext {
  job: Job;
  /** Returns the progress write when one was made (at most every 200 ms), for long synchronous work to wait on. */
  progress: (done: number, total: number, message: string) => unknown;
  signal: AbortSignal;
  /** The kernels training fits trees with (the job worker's threads); undefined: this thread. */
  kernels?: TreeKernels;
}

/** A handler's result; `failed` set means the job ran but did not do its work (e.g. invalid files), said why. */
type JobResult = Record<string, unknown> & { failed?: string };
type JobHandler = (ctx: JobContext) => Promise<JobResult>;

/** The actor a job acts as: the one recorded when it was started (older records: a user by label). */
export function jobActor(job: Job): AuditActor {
  return job.actor ?? { type: 'user', id: job.createdBy, label: job.createdBy };
}

/** What each kind of job does. A handler reports progress and stops when `signal` aborts. */
const HANDLERS: Record<JobKind, JobHandler> = {
  async ingest({ job, progress, signal }) {
    try {
      const tenant = await findTenant(job.tenantId);
      if (!tenant) throw new Error('The tenant no longer exists.');
      const request = await readStagedUpload(job.tenantId, job.id);
      const outcome = await ingestDataset(tenant, request, jobActor(job), progress, signal, {
        onSaved: async (message) => {
          await updateJob(job.tenantId, job.id, (j) => ({ ...j, committed: message }));
        },
      });
      return { ...outcome, ...(outcome.status === 'invalid' ? { failed: outcome.message } : {}) };
    } finally {
      await removeStagedUpload(job.tenantId, job.id);
    }
  },
  /** Trains and registers a version (production when it is the first, else staging with how it compares). */
  async train({ job, progress, signal, kernels }) {
    const params = trainJobParamsSchema.parse(job.params);
    const { run, version, trialExperiments } = await trainAndRegister(job.tenantId, { algorithms: params.algorithms, tune: params.tune, kernels }, jobActor(job), progress, signal, job.id);
    const best = run.models[run.best];
    return {
      versionId: version.id,
      stage: version.stage,
      best: run.best,
      wape: best && Number.isFinite(best.wape) ? best.wape : null,
      seasonalNaiveWape: Number.isFinite(run.baselines.seasonal_naive?.wape) ? run.baselines.seasonal_naive.wape : null,
      trials: trialExperiments,
      message: `Trained ${version.id} (${run.best}, hold-out WAPE ${best ? (best.wape * 100).toFixed(1) : '?'}%): ${version.stage === 'production' ? 'in production' : 'in staging, compare and promote it'}.`,
    };
  },
  /** One auto-retraining cycle: challenger against champion, promoted only by the rule. */
  async retrain({ job, progress, signal, kernels }) {
    const { trigger } = retrainJobParamsSchema.parse(job.params);
    const actor = jobActor(job);
    const manifest = await readManifest(job.tenantId);
    const fingerprint = manifest ? datasetFingerprint(manifest) : '';
    const trials: Promise<unknown>[] = [];
    const deps = trainingDeps({ kernels, onTrial: (trial) => trials.push(recordExperiment(job.tenantId, trialExperiment(trial, fingerprint, actor.label, job.id))) });
    const outcome = await runRetrainCycle(job.tenantId, deps, actor, trigger, progress, signal).finally(() => Promise.allSettled(trials));
    const { version, decision } = outcome;
    return {
      versionId: version?.id ?? null,
      promoted: decision.promote,
      reason: decision.reason,
      message: !version ? decision.reason : `${decision.promote ? `Promoted ${version.id}` : `Kept ${version.id} in staging`}: ${decision.reason}`,
    };
  },
};

const PROGRESS_WRITE_MS = 200;

/**
 * Runs one queued job to its end in this process, writing progress (at most every 200 ms) and the
 * outcome to its record. Used by the job worker process and by the CLI.
 */
export async function runJob(tenantId: string, jobId: string, options: { signal?: AbortSignal; onProgress?: (done: number, total: number, message: string) => unknown; kernels?: TreeKernels } = {}): Promise<Job> {
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort(options.signal?.reason));
  let job = await updateJob(tenantId, jobId, (j) => ({ ...j, status: 'running', startedAt: new Date().toISOString(), pid: process.pid }));
  if (job.cancelRequested) controller.abort(new Error('cancelled'));
  let lastWrite = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const progress = (done: number, total: number, message: string): Promise<unknown> | undefined => {
    options.onProgress?.(done, total, message);
    const now = Date.now();
    if (now - lastWrite < PROGRESS_WRITE_MS && done < total) return;
    lastWrite = now;
    pending = pending.then(async () => {
      const current = await updateJob(tenantId, jobId, (j) => ({ ...j, progress: { done, total, message } }));
      if (current.cancelRequested) controller.abort(new Error('cancelled'));
    });
    // A failed write is not the job's failure: the next one may land, and the end is written anyway.
    return pending.catch((e: unknown) => console.error(`job ${jobId}: writing its progress failed:`, (e as Error).message));
  };
  try {
    const result = await HANDLERS[job.kind]({ job, progress, signal: controller.signal, kernels: options.kernels });
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
    const why = cancelled ? 'It was stopped before the last checks finished; what was saved stands.' : `The last checks failed (${message}); what was saved stands.`;
    job = await updateJob(tenantId, jobId, (j) =>
      j.committed
        ? committedEnd({ ...j, finishedAt: new Date().toISOString() }, why)
        : { ...j, status: cancelled ? 'cancelled' : 'failed', error: cancelled ? null : message, finishedAt: new Date().toISOString() },
    );
    if (job.status === 'succeeded') {
      // The work stands, but what failed after it is logged and audited, not hidden by the green status.
      if (!cancelled) console.error(`job ${jobId} of ${tenantId} failed after saving its work:`, e);
      await recordAudit(tenantId, { actor: SYSTEM_ACTOR, action: `jobs.${job.kind}`, target: jobId, outcome: 'failure', details: { reason: cancelled ? 'cancelled after saving' : message, saved: job.committed ?? null } });
      return job;
    }
    await recordAudit(tenantId, { actor: SYSTEM_ACTOR, action: `jobs.${job.kind}`, target: jobId, outcome: 'failure', details: { reason: cancelled ? 'cancelled' : message } });
  }
  return job;
}

export { getJobOrThrow };
