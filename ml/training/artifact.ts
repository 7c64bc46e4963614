/**
 * The serving artifact of a training run: everything a forecaster needs besides the tenant's
 * table (pipeline, fitted model or ensemble members and weights, interval calibration per level,
 * holiday calendar, frequency), as one JSON-serialisable, versioned object. The model registry
 * stores it as a model version; `loadForecaster` turns it back into a Forecaster.
 */
import { z } from 'zod';
import type { DailyTable, PlannedEvent } from '../data/table';
import { FeaturePipeline } from '../features/pipeline';
import { holidaySpecSchema } from '../features/holidays';
import { WeightedEnsemble } from '../ensemble';
import type { Predictor } from '../forecasting';
import type { FeatureMatrix } from '../matrix';
import { Forecaster } from '../forecasting/forecaster';
import { ScaledConformal } from '../forecasting/intervals';
import type { ForecastLevel } from '../forecasting/levels';
import type { TreeKernels } from '../trees/kernels';
import { modelFromJSON } from './models';

export const ARTIFACT_KIND = 'foresight.forecast-model';
export const ARTIFACT_SCHEMA_VERSION = 1;

const paramValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);

export const trainingArtifactSchema = z.object({
  kind: z.literal(ARTIFACT_KIND),
  schemaVersion: z.literal(ARTIFACT_SCHEMA_VERSION),
  /** 'gbm' | 'rf' | 'ridge' | 'ensemble'. */
  algorithm: z.string(),
  frequency: z.enum(['daily', 'weekly']),
  step: z.union([z.literal(1), z.literal(7)]),
  maxHorizon: z.number().int().min(1),
  clampAtZero: z.boolean(),
  seed: z.number().int(),
  trainingWindow: z.object({ from: z.string(), to: z.string() }),
  featureNames: z.array(z.string()),
  holidays: holidaySpecSchema,
  /** FeaturePipeline JSON (fitted on the whole training window). */
  pipeline: z.unknown(),
  /** Model JSON per member name: one entry, or the ensemble's members. */
  models: z.record(z.string(), z.unknown()),
  /** Hyper-parameters per member name. */
  params: z.record(z.string(), z.record(z.string(), paramValue)),
  /** WeightedEnsemble JSON when algorithm is 'ensemble'. */
  ensemble: z.unknown().nullable(),
  /** ScaledConformal JSON per forecast level. */
  intervals: z.record(z.string(), z.unknown()),
});
export type TrainingArtifact = z.infer<typeof trainingArtifactSchema>;

/** The predictor an artifact describes (a single model, or the weighted members), predicting with `kernels`. */
export function artifactPredictor(artifact: TrainingArtifact, kernels?: TreeKernels): Predictor {
  if (artifact.algorithm !== 'ensemble') {
    const json = artifact.models[artifact.algorithm];
    if (json === undefined) throw new Error(`artifact lacks the model ${artifact.algorithm}`);
    return modelFromJSON(json, kernels);
  }
  const ens = WeightedEnsemble.fromJSON(artifact.ensemble);
  const names = [...ens.weights.keys()];
  const members = names.map((n) => {
    const json = artifact.models[n];
    if (json === undefined) throw new Error(`artifact lacks the ensemble member ${n}`);
    return modelFromJSON(json, kernels);
  });
  return { predict: (X: FeatureMatrix) => ens.combine(members.map((m) => m.predict(X))) };
}

/**
 * A Forecaster over the tenant's table from a stored artifact.
 * @param data the table (and planned promotions) to forecast from; `origin` defaults to its last day
 * @param kernels what the tree models predict with (default this thread)
 * @throws ZodError / Error when the artifact's kind, version or content do not match
 */
export function loadForecaster(artifactJson: unknown, data: { table: DailyTable; planned?: readonly PlannedEvent[]; origin?: number | string }, kernels?: TreeKernels): Forecaster {
  const artifact = trainingArtifactSchema.parse(artifactJson);
  if (data.table.step !== artifact.step) throw new RangeError(`the table is ${data.table.frequency}, the model ${artifact.frequency}`);
  const pipeline = FeaturePipeline.fromJSON(artifact.pipeline);
  const intervals: Partial<Record<ForecastLevel, ScaledConformal>> = {};
  for (const [level, json] of Object.entries(artifact.intervals)) intervals[level as ForecastLevel] = ScaledConformal.fromJSON(json);
  return new Forecaster(
    { pipeline, predictor: artifactPredictor(artifact, kernels), intervals, clampAtZero: artifact.clampAtZero, maxHorizon: artifact.maxHorizon },
    data.table,
    data.planned ?? [],
    data.origin,
  );
}
