/**
 * Random forest regression (Breiman 2001) on the histogram tree engine: each tree is grown on a
 * bootstrap sample (seeded; a row drawn c times enters once with weight c, which gives the same
 * sums as the multiset), with a random subset of features at every split, and the forest
 * averages the trees. Splits maximise variance reduction: with gradient -(y - mean) and hessian 1
 * and no regularisation, the engine's gain is half the reduction in squared error and a leaf's
 * value is the mean target of its rows.
 */
import { z } from 'zod';
import { checkBoolean, checkFitInput, checkInteger, checkNumber, mergeOptions, notFitted, parseEnvelope, type ModelJSON, type Regressor } from '../contract';
import type { FeatureMatrix } from '../matrix';
import { createRandom } from '../random';
import { binMatrix, fitBinMapper } from './binning';
import { CompiledForest } from './forest';
import { TreeGrower } from './grow';
import { SERIAL_KERNELS, type TreeKernels, type TreeModelConfig } from './kernels';
import { sharedInt32 } from './shared';
import { flatTreeJSONSchema, type FlatTree } from './tree';

export interface RandomForestOptions {
  /** Number of trees. */
  nEstimators: number;
  /** Deepest split level (root = 0), 1..64. */
  maxDepth: number;
  /** Most leaves per tree; 0 = limited by depth only. */
  maxLeaves: number;
  /** Fewest (bootstrap-weighted) rows in a leaf. */
  minSamplesLeaf: number;
  /** Share of features drawn as candidates at each split, in (0, 1]. */
  maxFeatures: number;
  /** Draw each tree's rows with replacement (true) or use all rows (false). */
  bootstrap: boolean;
  /** Rows drawn per tree as a share of the training rows, in (0, 1] (with bootstrap). */
  maxSamples: number;
  /** Most value bins per feature, 2..255. */
  maxBins: number;
  /** A split must reduce the half squared error by more than this. */
  minSplitGain: number;
  seed: number;
}

export const RANDOM_FOREST_DEFAULTS: Readonly<RandomForestOptions> = Object.freeze({
  nEstimators: 100,
  maxDepth: 16,
  maxLeaves: 0,
  minSamplesLeaf: 1,
  maxFeatures: 1,
  bootstrap: true,
  maxSamples: 1,
  maxBins: 255,
  minSplitGain: 0,
  seed: 42,
});

const KIND = 'RandomForestRegressor';
const SCHEMA_VERSION = 1;

const paramsSchema = z.object({
  cols: z.number().int().min(1),
  mean: z.number(),
  trees: z.array(flatTreeJSONSchema).min(1),
});
type RandomForestParams = z.infer<typeof paramsSchema>;

function validate(o: RandomForestOptions): void {
  checkInteger('nEstimators', o.nEstimators, 1, 100_000);
  checkInteger('maxDepth', o.maxDepth, 1, 64);
  if (checkInteger('maxLeaves', o.maxLeaves, 0, 1 << 24) === 1) throw new RangeError('option maxLeaves must be 0 or >= 2, got 1');
  checkInteger('minSamplesLeaf', o.minSamplesLeaf, 1);
  checkNumber('maxFeatures', o.maxFeatures, 0, 1, true);
  checkBoolean('bootstrap', o.bootstrap);
  checkNumber('maxSamples', o.maxSamples, 0, 1, true);
  checkInteger('maxBins', o.maxBins, 2, 255);
  checkNumber('minSplitGain', o.minSplitGain, 0);
  checkInteger('seed', o.seed, -(2 ** 31), 2 ** 32 - 1);
}

/** Averaged bootstrap trees; see the file comment. */
export class RandomForestRegressor implements Regressor {
  static readonly DEFAULT_OPTIONS = RANDOM_FOREST_DEFAULTS;
  readonly options: Readonly<RandomForestOptions>;
  private readonly kernels: TreeKernels;
  private forest: CompiledForest | null = null;
  private mean = 0;

  /**
   * @param config the kernels to fit and predict with (not an option: never serialised)
   * @throws RangeError naming the first invalid option.
   */
  constructor(options?: Partial<RandomForestOptions>, config: TreeModelConfig = {}) {
    const merged = mergeOptions(RANDOM_FOREST_DEFAULTS, options);
    validate(merged);
    this.options = Object.freeze(merged);
    this.kernels = config.kernels ?? SERIAL_KERNELS;
  }

  get treeCount(): number {
    return this.forest?.treeCount ?? 0;
  }

  /**
   * Fits on X, y (neither is modified). Trees are grown one after another from one seeded
   * stream, so the same seed always gives the same forest.
   * @throws RangeError on empty or mismatched input or non-finite y.
   */
  fit(X: FeatureMatrix, y: Float64Array): this {
    checkFitInput(X, y);
    const o = this.options;
    const n = X.rows;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += (y[i] - mean) / (i + 1);
    const grad = new Float64Array(n);
    for (let i = 0; i < n; i++) grad[i] = mean - y[i];
    const hess = new Float64Array(n).fill(1);
    const binned = binMatrix(X, fitBinMapper(X, o.maxBins, { fitBounds: this.kernels.binBounds }));
    const growth = {
      maxDepth: o.maxDepth,
      maxLeaves: o.maxLeaves,
      minChildWeight: o.minSamplesLeaf,
      lambda: 0,
      minSplitGain: o.minSplitGain,
      colsample: o.maxFeatures,
      learningRate: 1,
      maxDeltaStep: 0,
    };
    const grower = new TreeGrower(binned, growth, this.kernels);
    const rng = createRandom(o.seed);
    const draws = o.bootstrap ? Math.max(1, Math.round(o.maxSamples * n)) : n;
    const idx = sharedInt32(n);
    const counts = new Int32Array(n);
    const treeGrad = new Float64Array(n);
    const treeHess = new Float64Array(n);
    const trees: FlatTree[] = [];
    for (let t = 0; t < o.nEstimators; t++) {
      let rows = n;
      if (o.bootstrap) {
        // A bootstrap sample as weights: each drawn row once (ascending, for sequential access),
        // its gradient and hessian multiplied by how many times it was drawn. Same sums as the
        // multiset, about 37% fewer rows to visit.
        counts.fill(0);
        for (let k = 0; k < draws; k++) counts[rng.int(n)]++;
        rows = 0;
        for (let r = 0; r < n; r++) {
          const c = counts[r];
          treeGrad[r] = c * grad[r];
          treeHess[r] = c;
          if (c > 0) idx[rows++] = r;
        }
      } else {
        for (let r = 0; r < n; r++) idx[r] = r;
        treeGrad.set(grad);
        treeHess.set(hess);
      }
      trees.push(grower.grow(treeGrad, treeHess, idx, rows, rng));
    }
    this.mean = mean;
    this.forest = new CompiledForest(trees, X.cols);
    return this;
  }

  /** Mean of the trees' predictions. X is not modified. */
  predict(X: FeatureMatrix): Float64Array {
    const forest = this.forest ?? notFitted(KIND);
    return forest.predict(X, this.mean, 1 / forest.treeCount, this.kernels.predictForest);
  }

  /** One row's prediction from its feature values in column order. */
  predictRow(row: ArrayLike<number>): number {
    const forest = this.forest ?? notFitted(KIND);
    return forest.predictRow(row, this.mean, 1 / forest.treeCount);
  }

  toJSON(): ModelJSON<RandomForestOptions, RandomForestParams> {
    const forest = this.forest ?? notFitted(KIND);
    return {
      kind: KIND,
      schemaVersion: SCHEMA_VERSION,
      options: { ...this.options },
      seed: this.options.seed,
      params: { cols: forest.cols, mean: this.mean, trees: forest.treesJSON() },
    };
  }

  /**
   * @param config the kernels the loaded model predicts with
   * @throws Error when kind or schemaVersion differ or the JSON is malformed; RangeError on bad options.
   */
  static fromJSON(json: unknown, config: TreeModelConfig = {}): RandomForestRegressor {
    const env = parseEnvelope(json, KIND, SCHEMA_VERSION, paramsSchema);
    const model = new RandomForestRegressor(env.options as Partial<RandomForestOptions>, config);
    const p = env.params;
    model.mean = p.mean;
    model.forest = CompiledForest.fromJSON(p.trees, p.cols);
    return model;
  }
}
