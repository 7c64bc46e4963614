/**
 * Gradient boosted regression trees on the histogram tree engine (Friedman 2001; second-order
 * leaf values and gain as XGBoost, Chen & Guestrin 2016).
 *
 * The loss is a BoostingLoss object (losses/: 'squared', and 'poisson' on the log link), named
 * by the `loss` option: it gives the starting score, every round's gradients and hessians, the
 * validation loss and the inverse link, so this file has no branch on which loss it is. Leaf
 * values are -G / (H + lambda), clipped to maxDeltaStep when set, times the learning rate. With
 * `validation` passed to fit, boosting stops after `earlyStoppingRounds` rounds without
 * improving the validation loss and keeps the trees up to the best round. The kernels fitting
 * and batch prediction run through (kernels.ts) are instance configuration, not options.
 */
import { z } from 'zod';
import { checkFitInput, checkInteger, checkNumber, checkOneOf, checkPredictInput, mergeOptions, notFitted, parseEnvelope, type ModelJSON, type Regressor } from '../contract';
import type { FeatureMatrix } from '../matrix';
import { createRandom } from '../random';
import { binMatrix, fitBinMapper } from './binning';
import { CompiledForest } from './forest';
import { TreeGrower } from './grow';
import { SERIAL_KERNELS, type TreeKernels, type TreeModelConfig } from './kernels';
import { BOOSTING_LOSS_NAMES, BOOSTING_LOSSES, type BoostingLoss, type BoostingLossName } from './losses';
import { sharedInt32 } from './shared';
import { addTreeBinned, addTreeRaw, flatTreeJSONSchema, type FlatTree } from './tree';

export interface GradientBoostingOptions {
  /** Most boosting rounds (trees). */
  nEstimators: number;
  /** Shrinkage applied to every tree, in (0, 1]. */
  learningRate: number;
  /** Deepest split level (root = 0), 1..32. */
  maxDepth: number;
  /** Most leaves per tree (leaf-wise growth); 0 = limited by depth only. */
  maxLeaves: number;
  /** Smallest hessian sum per child. */
  minChildWeight: number;
  /** L2 regularisation of leaf values. */
  lambda: number;
  /** A split must gain more than this (XGBoost's gamma). */
  minSplitGain: number;
  /** Share of rows drawn (without replacement, Bernoulli) for each tree, in (0, 1]. */
  subsample: number;
  /** Share of features drawn as candidates at each split, in (0, 1]. */
  colsample: number;
  /** Most value bins per feature, 2..255. */
  maxBins: number;
  /** A name of losses/index.ts BOOSTING_LOSSES. */
  loss: BoostingLossName;
  /** Initial prediction in target units; null = mean of y. */
  baseScore: number | null;
  /** Clip on raw leaf values before shrinkage; null = 0.7 for poisson (as XGBoost), none for squared. */
  maxDeltaStep: number | null;
  /** Rounds without validation improvement before stopping (only with a validation set). */
  earlyStoppingRounds: number;
  seed: number;
}

export const GRADIENT_BOOSTING_DEFAULTS: Readonly<GradientBoostingOptions> = Object.freeze({
  nEstimators: 100,
  learningRate: 0.1,
  maxDepth: 6,
  maxLeaves: 0,
  minChildWeight: 1,
  lambda: 1,
  minSplitGain: 0,
  subsample: 1,
  colsample: 1,
  maxBins: 255,
  loss: 'squared',
  baseScore: null,
  maxDeltaStep: null,
  earlyStoppingRounds: 10,
  seed: 42,
});

export interface GradientBoostingFitOptions {
  /** A later window (never a random sample) used for early stopping. */
  validation?: { X: FeatureMatrix; y: Float64Array };
}

const KIND = 'GradientBoostingRegressor';
const SCHEMA_VERSION = 1;

const paramsSchema = z.object({
  cols: z.number().int().min(1),
  rawBase: z.number(),
  bestIteration: z.number().int().min(0),
  validationLoss: z.array(z.number()),
  trees: z.array(flatTreeJSONSchema),
});
type GradientBoostingParams = z.infer<typeof paramsSchema>;

function validate(o: GradientBoostingOptions): void {
  checkInteger('nEstimators', o.nEstimators, 1, 100_000);
  checkNumber('learningRate', o.learningRate, 0, 1, true);
  checkInteger('maxDepth', o.maxDepth, 1, 32);
  if (checkInteger('maxLeaves', o.maxLeaves, 0, 1 << 20) === 1) throw new RangeError('option maxLeaves must be 0 or >= 2, got 1');
  checkNumber('minChildWeight', o.minChildWeight, 0);
  checkNumber('lambda', o.lambda, 0);
  checkNumber('minSplitGain', o.minSplitGain, 0);
  checkNumber('subsample', o.subsample, 0, 1, true);
  checkNumber('colsample', o.colsample, 0, 1, true);
  checkInteger('maxBins', o.maxBins, 2, 255);
  const loss = BOOSTING_LOSSES[checkOneOf('loss', o.loss, BOOSTING_LOSS_NAMES)];
  if (o.baseScore !== null) {
    checkNumber('baseScore', o.baseScore, Number.NEGATIVE_INFINITY, Number.MAX_VALUE);
    loss.checkBaseScore(o.baseScore);
  }
  if (o.maxDeltaStep !== null) checkNumber('maxDeltaStep', o.maxDeltaStep, 0);
  checkInteger('earlyStoppingRounds', o.earlyStoppingRounds, 1);
  checkInteger('seed', o.seed, -(2 ** 31), 2 ** 32 - 1);
}

/** Gradient boosted trees; see the file comment for the algorithm. */
export class GradientBoostingRegressor implements Regressor {
  static readonly DEFAULT_OPTIONS = GRADIENT_BOOSTING_DEFAULTS;
  readonly options: Readonly<GradientBoostingOptions>;
  private readonly loss: BoostingLoss;
  private readonly kernels: TreeKernels;
  private forest: CompiledForest | null = null;
  private rawBase = 0;
  private bestIteration = 0;
  private validationHistory: number[] = [];

  /**
   * @param config the kernels to fit and predict with (not an option: never serialised)
   * @throws RangeError naming the first invalid option.
   */
  constructor(options?: Partial<GradientBoostingOptions>, config: TreeModelConfig = {}) {
    const merged = mergeOptions(GRADIENT_BOOSTING_DEFAULTS, options);
    validate(merged);
    this.options = Object.freeze(merged);
    this.loss = BOOSTING_LOSSES[merged.loss];
    this.kernels = config.kernels ?? SERIAL_KERNELS;
  }

  /** Trees kept after early stopping. */
  get treeCount(): number {
    return this.forest?.treeCount ?? 0;
  }

  /** Validation loss after each round (empty without a validation set). */
  get validationLoss(): readonly number[] {
    return this.validationHistory;
  }

  /**
   * Fits on X, y (neither is modified).
   * @throws RangeError on empty or mismatched input, non-finite y, or a target the loss cannot
   * fit (negative y with poisson loss).
   */
  fit(X: FeatureMatrix, y: Float64Array, fitOptions: GradientBoostingFitOptions = {}): this {
    checkFitInput(X, y);
    const o = this.options;
    const { loss, kernels } = this;
    const n = X.rows;
    const rawBase = loss.init(y, o.baseScore);
    const val = fitOptions.validation;
    if (val !== undefined) {
      checkFitInput(val.X, val.y);
      checkPredictInput(val.X, X.cols);
    }

    const binned = binMatrix(X, fitBinMapper(X, o.maxBins, { fitBounds: kernels.binBounds }));
    const growth = {
      maxDepth: o.maxDepth,
      maxLeaves: o.maxLeaves,
      minChildWeight: o.minChildWeight,
      lambda: o.lambda,
      minSplitGain: o.minSplitGain,
      colsample: o.colsample,
      learningRate: o.learningRate,
      maxDeltaStep: o.maxDeltaStep ?? loss.defaultMaxDeltaStep,
    };
    const grower = new TreeGrower(binned, growth, kernels);
    const rng = createRandom(o.seed);
    const raw = new Float64Array(n).fill(rawBase);
    const grad = new Float64Array(n);
    // Filled once when the loss keeps every hessian at 1 (gradHess then writes gradients only).
    const hess = new Float64Array(n).fill(1);
    const idx = sharedInt32(n);
    const valRaw = val ? new Float64Array(val.X.rows).fill(rawBase) : null;
    const trees: FlatTree[] = [];
    const history: number[] = [];
    let best = Number.POSITIVE_INFINITY;
    let bestIteration = 0;
    for (let it = 0; it < o.nEstimators; it++) {
      loss.gradHess(raw, y, grad, hess);
      let count = 0;
      if (o.subsample < 1) {
        for (let i = 0; i < n; i++) if (rng.next() < o.subsample) idx[count++] = i;
        if (count === 0) idx[count++] = rng.int(n);
      } else {
        for (let i = 0; i < n; i++) idx[i] = i;
        count = n;
      }
      // Every row grown on gets its leaf value added while the grower has the leaves' rows.
      const tree = grower.grow(grad, hess, idx, count, rng, count === n ? raw : null);
      trees.push(tree);
      if (count !== n) addTreeBinned(tree, binned.bins, binned.cols, binned.valueBins, n, 1, raw);
      if (val && valRaw) {
        addTreeRaw(tree, val.X.values, val.X.rows, 1, valRaw);
        const l = loss.validationLoss(valRaw, val.y);
        history.push(l);
        if (l < best) {
          best = l;
          bestIteration = it;
        } else if (it - bestIteration >= o.earlyStoppingRounds) {
          break;
        }
      } else {
        bestIteration = it;
      }
    }
    this.bestIteration = bestIteration;
    this.validationHistory = history;
    this.rawBase = rawBase;
    this.forest = new CompiledForest(trees.slice(0, bestIteration + 1), X.cols);
    return this;
  }

  /** Predictions in target units (the loss's inverse link of the raw score). X is not modified. */
  predict(X: FeatureMatrix): Float64Array {
    const out = this.predictRaw(X);
    this.loss.inverseLinkInPlace(out);
    return out;
  }

  /** Raw scores (the log of the mean for poisson). */
  predictRaw(X: FeatureMatrix): Float64Array {
    const forest = this.forest ?? notFitted(KIND);
    return forest.predict(X, this.rawBase, 1, this.kernels.predictForest);
  }

  /** One row's prediction from its feature values in column order (fast path for serving). */
  predictRow(row: ArrayLike<number>): number {
    const forest = this.forest ?? notFitted(KIND);
    return this.loss.inverseLink(forest.predictRow(row, this.rawBase, 1));
  }

  toJSON(): ModelJSON<GradientBoostingOptions, GradientBoostingParams> {
    const forest = this.forest ?? notFitted(KIND);
    return {
      kind: KIND,
      schemaVersion: SCHEMA_VERSION,
      options: { ...this.options },
      seed: this.options.seed,
      params: {
        cols: forest.cols,
        rawBase: this.rawBase,
        bestIteration: this.bestIteration,
        validationLoss: [...this.validationHistory],
        trees: forest.treesJSON(),
      },
    };
  }

  /**
   * @param config the kernels the loaded model predicts with
   * @throws Error when kind or schemaVersion differ or the JSON is malformed; RangeError on bad options.
   */
  static fromJSON(json: unknown, config: TreeModelConfig = {}): GradientBoostingRegressor {
    const env = parseEnvelope(json, KIND, SCHEMA_VERSION, paramsSchema);
    const model = new GradientBoostingRegressor(env.options as Partial<GradientBoostingOptions>, config);
    const p = env.params;
    model.rawBase = p.rawBase;
    model.bestIteration = p.bestIteration;
    model.validationHistory = p.validationLoss;
    model.forest = CompiledForest.fromJSON(p.trees, p.cols);
    return model;
  }
}
