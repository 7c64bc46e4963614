/**
 * A training run as a challenger, and its registration as a model version: the training side of
 * both manual training (register.ts) and auto-retraining (lib/retraining/cycle.ts), which
 * depends on training, never the reverse. No 'server-only': job workers and the CLI use it.
 */
import type { SegmentScore } from '@/ml/monitoring/promotion';
import type { ModelMetrics, TrainingRun } from '@/ml/training';
import type { AuditActor } from '../audit';
import { registerVersion, type ModelVersion } from '../registry/store';

/** A trained challenger, as the training code returns it. */
export interface Challenger {
  algorithm: string;
  params: Record<string, unknown>;
  metrics: Record<string, number | null>;
  baselineMetrics: Record<string, number | null>;
  segments: SegmentScore[];
  featureNames: string[];
  datasetFingerprint: string;
  trainingWindow: { from: string; to: string };
  /** The hold-out the challenger was scored on; the champion is scored on the same days. */
  holdout: { from: string; to: string };
  artifact: unknown;
  durationMs: number;
}

const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

/** A model's hold-out metrics (and its validation WAPE, which chose it) as the registry stores them (non-finite values become null). */
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
    validationWape: finite(m.validationWape),
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

/**
 * Registers a trained challenger as a new version with every registry field (docs/training.md), in
 * the given stage (production takes effect in the same atomic registry write). Used by the
 * retraining cycle and by manual training.
 */
export function registerChallenger(
  tenantId: string,
  challenger: Challenger,
  placement: { stage: 'production' | 'staging'; stageReason: string | null; experimentId: string | null },
  actor: AuditActor,
): Promise<ModelVersion> {
  return registerVersion(
    tenantId,
    {
      algorithm: challenger.algorithm,
      params: challenger.params,
      metrics: challenger.metrics,
      baselineMetrics: challenger.baselineMetrics,
      segmentMetrics: groupSegments(challenger.segments),
      featureSchema: challenger.featureNames,
      datasetFingerprint: challenger.datasetFingerprint,
      trainingWindow: challenger.trainingWindow,
      author: actor.label,
      ...placement,
    },
    challenger.artifact,
    actor,
  );
}

function groupSegments(segments: readonly SegmentScore[]): ModelVersion['segmentMetrics'] {
  const out: ModelVersion['segmentMetrics'] = {};
  for (const s of segments) (out[s.level] ??= []).push({ segment: s.segment, wape: s.wape, share: s.share });
  return out;
}
