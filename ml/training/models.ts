/**
 * The algorithms a tenant's training run fits, their defaults for retail-sized data and their
 * serialisation. Defaults were chosen on the demo retailer and Walmart (see docs/training.md):
 * boosting with Poisson loss when the target is a non-negative quantity, shallower trees on small
 * tables.
 */
import { z } from 'zod';
import type { Regressor } from '../contract';
import { GradientBoostingRegressor, type GradientBoostingOptions } from '../trees/gradient-boosting';
import { RandomForestRegressor, type RandomForestOptions } from '../trees/random-forest';
import type { TreeKernels } from '../trees/kernels';
import { RidgeRegressor } from '../linear/ridge';
import type { FeatureMatrix } from '../matrix';
import type { ParamValue, RandomSpace } from '../tuning';

export const ALGORITHMS = ['gbm', 'rf', 'ridge', 'ensemble'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];
export type BaseAlgorithm = Exclude<Algorithm, 'ensemble'>;
export const BASE_ALGORITHMS: readonly BaseAlgorithm[] = ['gbm', 'rf', 'ridge'];
/** Simpler first: a tie on WAPE goes to the earlier one. */
export const SIMPLICITY_ORDER: readonly string[] = ['seasonal_naive', 'moving_average', 'ridge', 'rf', 'gbm', 'ensemble'];

export type ModelParams = Record<string, ParamValue | null>;

/** What the data looks like, for choosing defaults. */
export interface DataTraits {
  rows: number;
  /** The target is a non-negative quantity (at most 1% negative rows): Poisson loss fits it better. */
  counts: boolean;
  seed: number;
}

/** Default hyper-parameters of an algorithm for this data. */
export function defaultParams(algo: BaseAlgorithm, traits: DataTraits): ModelParams {
  const small = traits.rows < 20_000;
  if (algo === 'gbm') {
    return {
      nEstimators: 600,
      learningRate: 0.05,
      maxDepth: small ? 4 : 7,
      minChildWeight: traits.counts ? 1 : small ? 5 : 20,
      lambda: 1,
      subsample: 0.8,
      colsample: 0.8,
      loss: traits.counts ? 'poisson' : 'squared',
      earlyStoppingRounds: 40,
      seed: traits.seed,
    };
  }
  if (algo === 'rf') {
    return {
      nEstimators: small ? 100 : 60,
      maxDepth: small ? 12 : 14,
      minSamplesLeaf: small ? 2 : 5,
      maxFeatures: 0.5,
      maxSamples: small ? 1 : Math.min(1, 60_000 / traits.rows),
      seed: traits.seed,
    };
  }
  return { alpha: 1, seed: traits.seed };
}

/** The random-search space of tuning (boosting only: it is the model that usually wins). */
export const GBM_TUNING_SPACE: RandomSpace = {
  learningRate: { type: 'logUniform', min: 0.02, max: 0.2 },
  maxDepth: { type: 'int', min: 3, max: 8 },
  minChildWeight: { type: 'logUniform', min: 0.5, max: 30 },
  lambda: { type: 'logUniform', min: 0.1, max: 10 },
  subsample: { type: 'uniform', min: 0.6, max: 1 },
  colsample: { type: 'uniform', min: 0.5, max: 1 },
};

/**
 * A fresh, unfitted model; tree models fit and predict with `kernels` (default on this thread).
 * @throws RangeError on a bad parameter (from the model's options check).
 */
export function makeModel(algo: BaseAlgorithm, params: ModelParams, kernels?: TreeKernels): Regressor {
  if (algo === 'gbm') return new GradientBoostingRegressor(params as Partial<GradientBoostingOptions>, { kernels });
  if (algo === 'rf') return new RandomForestRegressor(params as Partial<RandomForestOptions>, { kernels });
  return new RidgeRegressor({ alpha: Number(params.alpha ?? 1), seed: Number(params.seed ?? 42) });
}

/** Targets a model trains on: a Poisson model cannot see a negative (returns) value, so those count as 0. */
export function trainingTarget(params: ModelParams, y: Float64Array): Float64Array {
  if (params.loss !== 'poisson') return y;
  return Float64Array.from(y, (v) => (v < 0 ? 0 : v));
}

export interface FittedModel {
  model: Regressor;
  /** Parameters to refit with: boosting's rounds fixed to what early stopping kept. */
  params: ModelParams;
  fitSeconds: number;
}

/** How fitModel fits: the early-stopping window and the kernels. */
export interface FitModelOptions {
  /** A later window (never random rows) boosting stops early on. */
  validation?: { X: FeatureMatrix; y: Float64Array };
  kernels?: TreeKernels;
}

/**
 * Fits one algorithm; boosting stops early on `validation` and the returned params carry the
 * number of rounds it kept.
 */
export function fitModel(algo: BaseAlgorithm, params: ModelParams, X: FeatureMatrix, y: Float64Array, { validation, kernels }: FitModelOptions = {}): FittedModel {
  const started = performance.now();
  const model = makeModel(algo, params, kernels);
  const yt = trainingTarget(params, y);
  let out = params;
  if (model instanceof GradientBoostingRegressor) {
    model.fit(X, yt, validation ? { validation: { X: validation.X, y: trainingTarget(params, validation.y) } } : {});
    if (validation) out = { ...params, nEstimators: Math.max(1, model.treeCount) };
  } else model.fit(X, yt);
  return { model, params: out, fitSeconds: (performance.now() - started) / 1000 };
}

const kindSchema = z.object({ kind: z.string() });

/**
 * Rebuilds a fitted model from its JSON; tree models predict with `kernels` (default this thread).
 * @throws Error on an unknown kind or a bad envelope.
 */
export function modelFromJSON(json: unknown, kernels?: TreeKernels): Regressor {
  const { kind } = kindSchema.parse(json);
  if (kind === 'GradientBoostingRegressor') return GradientBoostingRegressor.fromJSON(json, { kernels });
  if (kind === 'RandomForestRegressor') return RandomForestRegressor.fromJSON(json, { kernels });
  if (kind === 'RidgeRegressor') return RidgeRegressor.fromJSON(json);
  throw new Error(`unknown model kind ${kind}`);
}
