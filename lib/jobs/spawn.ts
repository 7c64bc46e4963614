import { spawn } from 'node:child_process';
import path from 'node:path';
import { AppError } from '../errors';
import { recordAudit, type AuditActor } from '../audit';
import type { JobKind, Job } from '../schemas/jobs';
import { createJob, isActive, listJobs, updateJob } from './store';
import { findTenant } from '../tenants';
import { effectiveQuotas } from '../tiers';
import { listVersions } from '../registry/store';
import { storage, tenantPath } from '../storage';
import { currentProcess } from '../process';
import { removeDeadStagedUploads } from './staging';

/** Who starts a job: the tenant it runs for, the actor it is audited as, the caller's address. */
export interface LaunchContext {
  tenantId: string;
  actor: AuditActor;
  ip: string;
}

/**
 * Starts a job in its own worker process (`scripts/job-worker.ts`, so training or an ingest never
 * blocks a request), with at most one active job of a kind per tenant. `prepare` runs after the
 * record exists and before the worker starts (e.g. to stage the uploaded files: the job is active,
 * so a second import is refused at once, and a server that stops meanwhile leaves a job that settles
 * as failed). Before `prepare`, the tenant's staged uploads of dead jobs are removed. No 'server-only':
 * the scheduler, the CLI and job workers start jobs too.
 * @throws AppError conflict when a job of this kind is already queued or running for the tenant
 *   (details.jobId names it).
 */
export async function launchJob(ctx: LaunchContext, kind: JobKind, params: Record<string, unknown>, prepare: (job: Job) => Promise<void> = async () => {}): Promise<Job> {
  // The check and the creation under one lock (across processes too): two clicks, or the scheduler
  // and a manager at the same moment, must not both find no active job and both start one. Train
  // and retrain share the lock: the daily training quota counts both.
  const job = await storage().withLock(tenantPath(ctx.tenantId, 'tenants', 'jobs', `launch-${kind === 'ingest' ? 'ingest' : 'training'}`), async () => {
    const running = (await listJobs(ctx.tenantId, { kind, limit: 20 })).find(isActive);
    if (running) throw new AppError('conflict', `Another ${kind} job is still running (started ${running.createdAt.slice(11, 19)} UTC). Wait for it or cancel it.`, { jobId: running.id });
    if (kind === 'train' || kind === 'retrain') await assertTrainingQuota(ctx.tenantId, kind);
    return createJob(ctx.tenantId, kind, params, ctx.actor, currentProcess());
  });
  // The next job is when a killed import's staged files go, if the server start did not see them.
  await removeDeadStagedUploads(ctx.tenantId).catch((e: unknown) => console.error(`staged uploads of ${ctx.tenantId}: cleaning failed:`, (e as Error).message));
  try {
    await prepare(job);
  } catch (e) {
    await updateJob(ctx.tenantId, job.id, (j) => ({ ...j, status: 'failed', error: (e as Error).message, finishedAt: new Date().toISOString() }));
    throw e;
  }
  const script = path.join(/*turbopackIgnore: true*/ process.cwd(), 'scripts', 'job-worker.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, ctx.tenantId, job.id], {
    cwd: process.cwd(),
    env: process.env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.unref();
  const withPid = await updateJob(ctx.tenantId, job.id, (j) => ({ ...j, pid: j.pid ?? child.pid ?? null }));
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: `jobs.${kind}`, target: job.id, outcome: 'success', ip: ctx.ip, details: { started: true } });
  return withPid;
}

/**
 * The plan's training quotas (docs/architecture.md): training jobs (train and retrain) started in the last 24
 * hours, and, for a manual training run, the model versions kept besides archived ones (a
 * retraining cycle may still run: it promotes, archiving the old version, or leaves one challenger).
 * @throws AppError quota_exceeded saying which limit and what to do.
 */
export async function assertTrainingQuota(tenantId: string, kind: 'train' | 'retrain', now = Date.now()): Promise<void> {
  const tenant = await findTenant(tenantId);
  if (!tenant) throw new AppError('not_found', 'Tenant not found.');
  const quotas = effectiveQuotas(tenant.tier, tenant.quotaOverrides);
  const jobs = [...(await listJobs(tenantId, { kind: 'train', limit: 200 })), ...(await listJobs(tenantId, { kind: 'retrain', limit: 200 }))];
  const lastDay = jobs.filter((j) => now - Date.parse(j.createdAt) < 86_400_000).length;
  if (lastDay >= quotas.trainingJobsPerDay) {
    throw new AppError('quota_exceeded', `The ${tenant.tier} plan allows ${quotas.trainingJobsPerDay} training jobs a day, and ${lastDay} were started in the last 24 hours. Try again later, or an admin can upgrade the plan.`, { quota: quotas.trainingJobsPerDay, used: lastDay });
  }
  if (kind === 'train') {
    const kept = (await listVersions(tenantId)).filter((v) => v.stage !== 'archived').length;
    if (kept >= quotas.models) {
      throw new AppError('quota_exceeded', `The ${tenant.tier} plan keeps ${quotas.models} model version${quotas.models === 1 ? '' : 's'} besides archived ones, and ${kept} ${kept === 1 ? 'is' : 'are'} kept: archive one on the Models page first (or let a retraining cycle renew it), or upgrade the plan.`, { quota: quotas.models, used: kept });
    }
  }
}
