import { SYSTEM_ACTOR, type AuditActor } from '../audit';
import { isAppError } from '../errors';
import { readManifest } from '../datasets/store';
import { startScheduler } from '../retraining/scheduler';
import { isActive, listJobs } from './store';
import { launchJob } from './spawn';

/** The scheduler acts as itself in the audit log and the registry. */
export const SCHEDULER_ACTOR: AuditActor = { ...SYSTEM_ACTOR, id: 'scheduler', label: 'scheduler' };

/** A failed scheduled cycle is retried at most this often (its schedule stays due until one succeeds). */
const RETRY_AFTER_FAILURE_MS = 60 * 60_000;

/**
 * Starts a 'retrain' job for a due tenant, unless one is already running (the job's own
 * conflict), the tenant has no data yet, or its last cycle failed within the hour. Returns the
 * job id, or why nothing was started.
 */
export async function launchScheduledRetrain(tenantId: string, trigger: string, now = Date.now()): Promise<{ jobId: string } | { skipped: string }> {
  if (!(await readManifest(tenantId))) return { skipped: 'no dataset' };
  const last = (await listJobs(tenantId, { kind: 'retrain', limit: 1 }))[0];
  if (last && isActive(last)) return { skipped: `already running (${last.id})` };
  if (last && last.status === 'failed' && last.finishedAt && now - Date.parse(last.finishedAt) < RETRY_AFTER_FAILURE_MS) return { skipped: `last cycle failed at ${last.finishedAt}` };
  try {
    const job = await launchJob({ tenantId, actor: SCHEDULER_ACTOR, ip: '' }, 'retrain', { trigger });
    return { jobId: job.id };
  } catch (e) {
    if (isAppError(e) && e.code === 'conflict') return { skipped: e.message };
    throw e;
  }
}

/**
 * Starts the retraining scheduler of this process (once; later calls do nothing): every minute,
 * each tenant due by its schedule gets a 'retrain' job in its own worker process.
 */
export function startRetrainingScheduler(intervalMs = 60_000): boolean {
  return startScheduler(async (tenantId, trigger) => {
    const outcome = await launchScheduledRetrain(tenantId, trigger);
    if ('jobId' in outcome) console.log(`scheduler: retraining ${tenantId} (${trigger}) as job ${outcome.jobId}`);
  }, intervalMs);
}
