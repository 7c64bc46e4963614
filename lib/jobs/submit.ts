import 'server-only';
import { AppError } from '../errors';
import { recordAudit, type AuditActor } from '../audit';
import type { JobKind, Job } from '../schemas/jobs';
import { getJobOrThrow, isActive, updateJob } from './store';
import { launchJob } from './spawn';
import { isJobRunner, processAlive } from '../process';

/** How long a cancelled worker has to stop by itself (and record the cancellation) before it is killed. */
const CANCEL_GRACE_MS = 30_000;

/**
 * Starts a job for a request (see launchJob: its own worker process, one active job of a kind per
 * tenant, `prepare` before the worker starts).
 * @throws AppError conflict when a job of this kind is already running for the tenant.
 */
export async function submitJob(
  ctx: { tenantId: string; actor: AuditActor; ip: string },
  kind: JobKind,
  params: Record<string, unknown>,
  prepare?: (job: Job) => Promise<void>,
): Promise<Job> {
  return launchJob(ctx, kind, params, prepare);
}

/** Asks a job to stop: it records "cancelled" and keeps nothing half-done. */
export async function cancelJob(ctx: { tenantId: string; actor: AuditActor; ip: string }, jobId: string): Promise<Job> {
  const job = await getJobOrThrow({ tenantId: ctx.tenantId, jobId });
  if (!isActive(job)) throw new AppError('conflict', `The job already ended (${job.status}).`);
  const updated = await updateJob(ctx.tenantId, jobId, (j) => ({ ...j, cancelRequested: true }));
  if (updated.pid) {
    const pid = updated.pid;
    try {
      process.kill(pid, 'SIGTERM');
      // A worker inside a long synchronous step (one boosting fit) sees SIGTERM only after it;
      // every write it makes is atomic, so ending it outright leaves nothing half-done.
      // Only if the job still runs in that very process (a pid can be reused once it ended).
      setTimeout(async () => {
        const now = await getJobOrThrow({ tenantId: ctx.tenantId, jobId }).catch(() => null);
        if (now && isActive(now) && now.pid === pid && processAlive(pid) && isJobRunner(pid)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // ended meanwhile
          }
        }
      }, CANCEL_GRACE_MS).unref();
    } catch {
      // already gone: reading the job settles it as cancelled
    }
  }
  await recordAudit(ctx.tenantId, { actor: ctx.actor, action: 'jobs.cancel', target: jobId, outcome: 'success', ip: ctx.ip });
  return getJobOrThrow({ tenantId: ctx.tenantId, jobId });
}
