import { recordAudit, SYSTEM_ACTOR, type AuditActor } from '../audit';
import { AppError } from '../errors';
import { launchJob } from '../jobs/spawn';
import { productionVersion } from '../registry/store';
import { getRetrainingSettings } from '../retraining-settings';

/**
 * Retraining triggers (docs/monitoring.md): decay of the production model (when `onDecay`) or significant
 * drift of the new days (when `onDrift`) starts one 'retrain' job as the system, with the trigger
 * as its parameter; the job runs the cycle of lib/retraining/cycle.ts, which promotes only by the
 * rule. A retrain job already running means the data will be looked at by it: nothing more is
 * started. Every decision to start (or not, because one runs) is audited.
 */

export type RetrainTrigger = 'decay' | 'drift';

/** Starts a retrain job (launchJob's signature for that kind; injectable for tests). */
export type RetrainLauncher = (ctx: { tenantId: string; actor: AuditActor; ip: string }, kind: 'retrain', params: { trigger: RetrainTrigger }) => Promise<{ id: string }>;

export interface TriggerOutcome {
  trigger: RetrainTrigger;
  /** started: a new job; running: one was already running (its id). */
  status: 'started' | 'running';
  jobId: string | null;
  reason: string;
}

export interface MonitoringSignals {
  /** The production model's newest window decayed, with why. */
  decay: { decayed: boolean; reason: string } | null;
  /** Columns whose new days drifted significantly. */
  drifted: readonly string[];
}

/**
 * Starts a retraining when the signals and the tenant's settings call for one; decay wins over
 * drift as the recorded trigger. Nothing without a production version (there is no model to
 * retrain; the first one is trained by a person).
 * @returns null when nothing is triggered.
 * @throws whatever the launcher throws other than a conflict.
 */
export async function triggerRetraining(tenantId: string, signals: MonitoringSignals, launch: RetrainLauncher = launchJob): Promise<TriggerOutcome | null> {
  const settings = await getRetrainingSettings(tenantId);
  let trigger: RetrainTrigger | null = null;
  let reason = '';
  if (signals.decay?.decayed && settings.onDecay) {
    trigger = 'decay';
    reason = signals.decay.reason;
  } else if (signals.drifted.length > 0 && settings.onDrift) {
    trigger = 'drift';
    reason = `significant drift (PSI over 0.25) on ${signals.drifted.join(', ')}`;
  }
  if (!trigger || !(await productionVersion(tenantId))) return null;
  let outcome: TriggerOutcome;
  try {
    const job = await launch({ tenantId, actor: SYSTEM_ACTOR, ip: '' }, 'retrain', { trigger });
    outcome = { trigger, status: 'started', jobId: job.id, reason };
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'conflict')) throw e;
    const running = e.details?.jobId;
    outcome = { trigger, status: 'running', jobId: typeof running === 'string' ? running : null, reason };
  }
  await recordAudit(tenantId, {
    actor: SYSTEM_ACTOR,
    action: 'models.retrain.trigger',
    target: outcome.jobId ?? undefined,
    outcome: 'success',
    details: { trigger, reason, job: outcome.status === 'started' ? 'started' : 'already running' },
  });
  return outcome;
}
