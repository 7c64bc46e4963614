import { decidePromotion, type PromotionDecision, type Scorecard } from '@/ml/monitoring/promotion';
import { raiseAlert } from '../alerts';
import type { AuditActor } from '../audit';
import { recordAudit } from '../audit';
import { recordExperiment } from '../experiments';
import { productionVersion, readArtifact, type ModelVersion } from '../registry/store';
import { registerChallenger, type Challenger } from '../training/challenger';
import { storage, tenantPath } from '../storage';
import { getRetrainingSettings, updateRetrainingSettings } from '../retraining-settings';
import { getTenantOrThrow } from '../tenants';

/** What a cycle needs from the ML side: train a challenger, and score the champion's artifact on a hold-out. */
export interface CycleDeps {
  train(tenantId: string, options: { tune: boolean }, progress: (done: number, total: number, message: string) => void, signal?: AbortSignal): Promise<Challenger>;
  /** The champion's scorecard on the hold-out, or null when its training data covers those days (no fair comparison). */
  scoreChampion(tenantId: string, champion: ModelVersion, artifact: unknown, holdout: { from: string; to: string }, signal?: AbortSignal): Promise<Scorecard | null>;
  /** The dataset's last day and period (1 daily, 7 weekly); without it every cycle trains. */
  dataEnd?(tenantId: string): Promise<{ last: string; step: number } | null>;
}

/**
 * How many days the champion never saw, and whether they fill a whole hold-out (30 days, or 8
 * weeks on weekly data): only then can the challenger, whose hold-out is that window, be compared
 * with the champion on days neither was trained on. (Shortening the challenger's hold-out instead
 * would also shrink its validation and interval calibration to a few days ahead.)
 */
export function newDaysSince(championEnd: string, dataEnd: { last: string; step: number }): { newDays: number; needed: number; enough: boolean } {
  const newDays = Math.round((Date.parse(`${dataEnd.last}T00:00:00Z`) - Date.parse(`${championEnd}T00:00:00Z`)) / 86_400_000);
  const needed = dataEnd.step === 1 ? 30 : 56;
  return { newDays, needed, enough: newDays >= needed };
}

export interface CycleOutcome {
  /** The challenger registered by the cycle; null when it was skipped (no new days to learn from). */
  version: ModelVersion | null;
  decision: PromotionDecision;
  trigger: string;
}

/**
 * One auto-retraining cycle (docs/monitoring.md): train a challenger, score it and the champion on the same
 * latest hold-out, promote only by the rule of `decidePromotion`, else keep it in staging with the
 * reason. Runs alone per tenant (an exclusive lock), and the registry changes in one atomic step at
 * the very end, so a cycle killed at any point leaves the registry as it was.
 */
export async function runRetrainCycle(
  tenantId: string,
  deps: CycleDeps,
  actor: AuditActor,
  trigger: string,
  progress: (done: number, total: number, message: string) => void = () => {},
  signal?: AbortSignal,
): Promise<CycleOutcome> {
  return storage().withExclusiveLock(tenantPath(tenantId, 'models', 'retrain-cycle'), 'A retraining cycle is already running for this organisation.', async () => {
    const started = Date.now();
    const settings = await getRetrainingSettings(tenantId);
    const champion = await productionVersion(tenantId);
    // With a champion, only days it never saw can judge it against a challenger: without a whole
    // hold-out of them there is nothing fair to compare on, so the cycle trains nothing.
    const end = champion && deps.dataEnd ? await deps.dataEnd(tenantId) : null;
    if (champion && end) {
      const plan = newDaysSince(champion.trainingWindow.to, end);
      if (!plan.enough) {
        const reason = `Only ${Math.max(0, plan.newDays)} new day${plan.newDays === 1 ? '' : 's'} since ${champion.id} was trained (its data ends ${champion.trainingWindow.to}); a fair comparison needs a whole hold-out of ${plan.needed} days it never saw: nothing retrained.`;
        // A scheduled run counts as run (else the scheduler would ask again every minute); a
        // decay or drift trigger does not move the schedule.
        if (trigger === 'schedule') await updateRetrainingSettings(await getTenantOrThrow(tenantId), { lastRunAt: new Date().toISOString() });
        await recordAudit(tenantId, { actor, action: 'models.retrain', target: champion.id, outcome: 'success', details: { trigger, skipped: true, reason } });
        progress(3, 3, reason);
        return { version: null, decision: { promote: false, reason, regressions: [] }, trigger };
      }
    }
    progress(0, 3, 'Training the challenger');
    const challenger = await deps.train(tenantId, { tune: settings.tune }, (d, t, m) => progress((d / Math.max(1, t)) * 2, 3, m), signal);
    signal?.throwIfAborted();
    progress(2, 3, 'Scoring the champion on the same hold-out');
    let championCard: Scorecard | null = null;
    let fairComparison = true;
    if (champion) {
      championCard = await deps.scoreChampion(tenantId, champion, await readArtifact(tenantId, champion.id), challenger.holdout, signal);
      fairComparison = championCard !== null;
    }
    signal?.throwIfAborted();
    const challengerCard: Scorecard = { wape: challenger.metrics.wape ?? NaN, segments: challenger.segments };
    const decision: PromotionDecision =
      champion && !fairComparison
        ? { promote: false, reason: `No new days since ${champion.id} was trained (its data covers the hold-out ${challenger.holdout.from} to ${challenger.holdout.to}): nothing to compare fairly.`, regressions: [] }
        : decidePromotion(championCard, challengerCard, { margin: settings.margin, segmentTolerance: settings.segmentTolerance });
    const reason = `auto-retraining (${trigger}): ${decision.reason}`;
    const experiment = await recordExperiment(tenantId, {
      kind: 'retrain',
      algorithm: challenger.algorithm,
      status: 'succeeded',
      params: { ...challenger.params, trigger, promoted: decision.promote, championWape: championCard?.wape ?? null },
      metrics: challenger.metrics,
      folds: [],
      durationMs: Date.now() - started,
      datasetFingerprint: challenger.datasetFingerprint,
      error: null,
      versionId: null,
      jobId: null,
      author: actor.label,
    });
    // The one registry change of the cycle: listed in staging, or promoted, in a single atomic write.
    const version = await registerChallenger(tenantId, challenger, { stage: decision.promote ? 'production' : 'staging', stageReason: reason, experimentId: experiment.id }, actor);
    await updateRetrainingSettings(await getTenantOrThrow(tenantId), { lastRunAt: new Date().toISOString() });
    await raiseAlert(tenantId, {
      kind: 'retraining',
      severity: 'info',
      title: decision.promote ? `Retrained: ${version.id} promoted` : `Retrained: ${version.id} kept in staging`,
      message: reason,
      details: { versionId: version.id, trigger },
    });
    await recordAudit(tenantId, { actor, action: 'models.retrain', target: version.id, outcome: 'success', details: { trigger, promoted: decision.promote, reason: decision.reason } });
    progress(3, 3, decision.promote ? `Promoted ${version.id}` : `Kept ${version.id} in staging`);
    return { version, decision, trigger };
  });
}
