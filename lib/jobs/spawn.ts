import { spawn } from 'node:child_process';
import path from 'node:path';
import { AppError } from '../errors';
import { recordAudit, type AuditActor } from '../audit';
import type { JobKind, Job } from '../schemas/jobs';
import { createJob, isActive, listJobs, updateJob } from './store';

/** Who starts a job: the tenant it runs for, the actor it is audited as, the caller's address. */
export interface LaunchContext {
  tenantId: string;
  actor: AuditActor;
  ip: string;
}

/**
 * Starts a job in its own worker process (`scripts/job-worker.ts`, so training or an ingest never
 * blocks a request), with at most one active job of a kind per tenant. `prepare` runs after the
 * record exists and before the worker starts (e.g. to stage the uploaded files). No 'server-only':
 * the scheduler, the CLI and job workers start jobs too.
 * @throws AppError conflict when a job of this kind is already queued or running for the tenant
 *   (details.jobId names it).
 */
export async function launchJob(ctx: LaunchContext, kind: JobKind, params: Record<string, unknown>, prepare: (job: Job) => Promise<void> = async () => {}): Promise<Job> {
  const running = (await listJobs(ctx.tenantId, { kind, limit: 20 })).find(isActive);
  if (running) throw new AppError('conflict', `Another ${kind} job is still running (started ${running.createdAt.slice(11, 19)} UTC). Wait for it or cancel it.`, { jobId: running.id });
  const job = await createJob(ctx.tenantId, kind, params, ctx.actor);
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
