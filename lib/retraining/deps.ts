/**
 * The real training side of an auto-retraining cycle (lib/retraining/cycle.ts CycleDeps): the
 * challenger is a full training run of the tenant's current dataset (lib/training), the champion
 * is scored by forecasting the challenger's hold-out days from its stored artifact. No
 * 'server-only': job workers and the CLI run cycles.
 */
import { scoreTenantArtifact, trainTenant, type ModelMetrics, type TrainingRun, type TrainOptions } from '../training';
import type { Challenger, CycleDeps } from './cycle';
import { readManifest } from '../datasets/store';

const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

/** A model's hold-out metrics as the registry stores them (non-finite values become null). */
export function registryMetrics(m: ModelMetrics | undefined): Record<string, number | null> {
  if (!m) return {};
  return {
    wape: finite(m.wape),
    mae: finite(m.mae),
    rmse: finite(m.rmse),
    r2: finite(m.r2),
    smape: finite(m.smape),
    mape: finite(m.mape),
    bias: finite(m.bias),
    fva: finite(m.fva),
    fitSeconds: finite(m.fitSeconds),
    n: finite(m.n),
  };
}

/**
 * A training run as a challenger: the best model's metrics (with its interval coverage), seasonal
 * naive as the baseline, the store / category scorecard as segments, the serving artifact.
 */
export function challengerOf(run: TrainingRun): Challenger {
  const params: Record<string, unknown> =
    run.best === 'ensemble' ? { members: run.artifact.params, weights: run.ensembleWeights } : { ...(run.params[run.best] ?? run.artifact.params[run.best] ?? {}) };
  return {
    algorithm: run.best,
    params,
    metrics: { ...registryMetrics(run.models[run.best]), coverage_p80: finite(run.coverage.p80), coverage_p95: finite(run.coverage.p95) },
    baselineMetrics: registryMetrics(run.baselines.seasonal_naive),
    segments: [...run.scorecard.segments],
    featureNames: [...run.artifact.featureNames],
    datasetFingerprint: run.datasetFingerprint,
    trainingWindow: { ...run.trainingWindow },
    holdout: { from: run.holdout.from, to: run.holdout.to },
    artifact: run.artifact,
    durationMs: run.durationMs,
  };
}

/** CycleDeps over lib/training, with extra training options (e.g. the algorithms, the kernels) when given. */
export function trainingDeps(extra: Omit<TrainOptions, 'tune'> = {}): CycleDeps {
  return {
    async train(tenantId, options, progress, signal) {
      return challengerOf(await trainTenant(tenantId, { ...extra, tune: options.tune }, progress, signal));
    },
    async dataEnd(tenantId) {
      const manifest = await readManifest(tenantId);
      return manifest?.dateRange ? { last: manifest.dateRange.last, step: manifest.frequency === 'weekly' ? 7 : 1 } : null;
    },
    async scoreChampion(tenantId, _champion, artifact, holdout, signal) {
      signal?.throwIfAborted();
      return scoreTenantArtifact(tenantId, artifact, holdout, extra.kernels);
    },
  };
}

/** The cycle's dependencies with the default training options. */
export const trainingCycleDeps: CycleDeps = trainingDeps();
