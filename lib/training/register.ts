/**
 * Training that ends in the registry (docs/training.md, docs/monitoring.md): train the tenant's models, record every tuning
 * trial and the run as experiments, and register the best model as a new version. No
 * 'server-only': the train job, the CLI and the demo seeding use it.
 */
import type { AuditActor } from '../audit';
import { recordExperiment, type Experiment } from '../experiments';
import { productionVersion, readArtifact, type ModelVersion } from '../registry/store';
import { challengerOf, registerChallenger } from './challenger';
import { decidePromotion } from '@/ml/monitoring/promotion';
import { getRetrainingSettings } from '../retraining-settings';
import { readManifest } from '../datasets/store';
import { datasetFingerprint, scoreTenantArtifact, trainTenant, type ProgressFn, type TrainingRun, type TrainingTrial, type TrainOptions } from './index';

export interface TrainAndRegisterResult {
  run: TrainingRun;
  version: ModelVersion;
  experiment: Experiment;
  trialExperiments: number;
}

const pct = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(2)}%`);

/** A tuning trial as an experiment record. */
export function trialExperiment(trial: TrainingTrial, fingerprint: string, author: string, jobId: string | null): Omit<Experiment, 'id' | 'at'> {
  const folds = Object.entries(trial.metrics)
    .filter(([k]) => /^fold\d+_wape$/.test(k))
    .map(([, v]) => ({ wape: Number.isFinite(v) ? v : null }));
  return {
    kind: 'tune-trial',
    algorithm: trial.algorithm,
    status: trial.status === 'ok' ? 'succeeded' : 'failed',
    params: { ...trial.params, trial: trial.index + 1 },
    metrics: { wape: Number.isFinite(trial.wape) ? trial.wape : null },
    folds,
    durationMs: trial.durationMs,
    datasetFingerprint: fingerprint,
    error: trial.error ?? null,
    versionId: null,
    jobId,
    author,
  };
}

/**
 * Trains on the tenant's current dataset and registers the best model with every registry field (docs/architecture.md).
 * The tenant's first version goes to production; a later one goes to staging with a reason that
 * compares it with the production version (on the same hold-out days when the champion's data
 * allows, else on the figures each was registered with), for a manager to compare and promote.
 * A failed or cancelled run is recorded as an experiment and leaves the registry as it was.
 * @throws AppError not_found without a dataset; RangeError on bad options; the abort reason when cancelled.
 */
export async function trainAndRegister(
  tenantId: string,
  options: Omit<TrainOptions, 'onTrial'>,
  actor: AuditActor,
  progress: ProgressFn = () => {},
  signal?: AbortSignal,
  jobId: string | null = null,
): Promise<TrainAndRegisterResult> {
  const started = Date.now();
  const pendingTrials: Promise<Experiment>[] = [];
  const manifest = await readManifest(tenantId);
  let fingerprint = manifest ? datasetFingerprint(manifest) : '';
  const algorithms = options.algorithms ?? ['gbm', 'rf', 'ridge', 'ensemble'];
  let run: TrainingRun;
  try {
    run = await trainTenant(
      tenantId,
      {
        ...options,
        onTrial: (trial) => {
          pendingTrials.push(recordExperiment(tenantId, trialExperiment(trial, fingerprint, actor.label, jobId)));
        },
      },
      (done, total, message) => progress(done, total + 1, message),
      signal,
    );
  } catch (e) {
    await Promise.allSettled(pendingTrials);
    const cancelled = signal?.aborted === true;
    await recordExperiment(tenantId, {
      kind: 'train',
      algorithm: algorithms.join('+'),
      status: cancelled ? 'cancelled' : 'failed',
      params: { algorithms, tune: options.tune === true, seed: options.seed ?? 42, holdoutDays: options.holdoutDays ?? null },
      metrics: {},
      folds: [],
      durationMs: Date.now() - started,
      datasetFingerprint: fingerprint,
      error: cancelled ? null : e instanceof Error ? e.message : String(e),
      versionId: null,
      jobId,
      author: actor.label,
    });
    throw e;
  }
  await Promise.all(pendingTrials);
  fingerprint = run.datasetFingerprint;
  signal?.throwIfAborted();
  progress(1, 1, 'Registering the model version');
  const challenger = challengerOf(run);
  const champion = await productionVersion(tenantId);
  let stageReason: string | null = null;
  if (champion) {
    const settings = await getRetrainingSettings(tenantId);
    const card = await scoreTenantArtifact(tenantId, await readArtifact(tenantId, champion.id), challenger.holdout, options.kernels).catch((e: unknown) => {
      // No like-for-like score then; the reason below says so. The cause goes to the server log.
      console.error(`scoring production ${champion.id} of ${tenantId} on the new hold-out failed:`, e);
      return null;
    });
    const own = `hold-out WAPE ${pct(challenger.metrics.wape)} (${run.holdout.from} to ${run.holdout.to})`;
    if (card) {
      const decision = decidePromotion(card, { wape: challenger.metrics.wape ?? NaN, segments: challenger.segments }, { margin: settings.margin, segmentTolerance: settings.segmentTolerance });
      stageReason = `trained by ${actor.label}: ${own}; against production ${champion.id} on the same days: ${decision.reason} Compare, then promote if it fits.`;
    } else {
      const champ = champion.metrics.wape;
      const ours = challenger.metrics.wape;
      const relation = champ != null && ours != null ? (ours < champ ? 'lower than' : ours > champ ? 'higher than' : 'equal to') : 'beside';
      stageReason =
        `trained by ${actor.label}: ${own}, ${relation} production ${champion.id}'s ${pct(champ)} on its own hold-out; ` +
        `${champion.id} was trained on these days, so there is no like-for-like score. Compare, then promote if it fits.`;
    }
  }
  const experiment = await recordExperiment(tenantId, {
    kind: 'train',
    algorithm: run.best,
    status: 'succeeded',
    params: { algorithms, tune: options.tune === true, seed: options.seed ?? 42, holdoutDays: run.holdout.periods * (run.artifact.step || 1), best: run.best, ...challenger.params },
    metrics: challenger.metrics,
    folds: Object.entries(run.models).map(([name, m]) => ({ [`${name}_wape`]: Number.isFinite(m.wape) ? m.wape : null })),
    durationMs: Date.now() - started,
    datasetFingerprint: run.datasetFingerprint,
    error: null,
    versionId: null,
    jobId,
    author: actor.label,
  });
  const version = await registerChallenger(tenantId, challenger, { stage: champion ? 'staging' : 'production', stageReason, experimentId: experiment.id }, actor);
  return { run, version, experiment, trialExperiments: pendingTrials.length };
}

