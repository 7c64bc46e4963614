/**
 * Ridge regression on standardised features, closed form (Hoerl & Kennard 1970):
 *   z_j = (x_j - mean_j) / std_j,   beta = (Z'Z + alpha I)^-1 Z'(y - mean_y)
 * solved by Cholesky (ml-matrix), with an SVD solve as fallback when alpha = 0 leaves Z'Z singular.
 *
 * Missing-value policy: a NaN feature value is imputed with the training mean of that feature
 * (so it contributes 0 after standardisation), in fit and in predict. Features constant on the
 * training rows (std 0, or all NaN) get coefficient 0. Means and variances use Welford's update.
 */
import { CholeskyDecomposition, Matrix, solve } from 'ml-matrix';
import { z } from 'zod';
import { checkFitInput, checkInteger, checkNumber, checkPredictInput, mergeOptions, notFitted, parseEnvelope, type ModelJSON, type Regressor } from '../contract';
import type { FeatureMatrix } from '../matrix';

export interface RidgeOptions {
  /** L2 penalty on the standardised coefficients (>= 0). */
  alpha: number;
  /** Unused by the closed form; kept so every model carries a seed. */
  seed: number;
}

export const RIDGE_DEFAULTS: Readonly<RidgeOptions> = Object.freeze({ alpha: 1, seed: 42 });

const KIND = 'RidgeRegressor';
const SCHEMA_VERSION = 1;

const paramsSchema = z.object({
  names: z.array(z.string()),
  means: z.array(z.number()),
  stds: z.array(z.number()),
  standardizedCoefficients: z.array(z.number()),
  yMean: z.number(),
});
type RidgeParams = z.infer<typeof paramsSchema>;

export class RidgeRegressor implements Regressor {
  static readonly DEFAULT_OPTIONS = RIDGE_DEFAULTS;
  readonly options: Readonly<RidgeOptions>;
  private params: RidgeParams | null = null;

  /** @throws RangeError naming the first invalid option. */
  constructor(options?: Partial<RidgeOptions>) {
    const merged = mergeOptions(RIDGE_DEFAULTS, options);
    checkNumber('alpha', merged.alpha, 0);
    checkInteger('seed', merged.seed, -(2 ** 31), 2 ** 32 - 1);
    this.options = Object.freeze(merged);
  }

  /** @throws RangeError on empty or mismatched input or non-finite y. */
  fit(X: FeatureMatrix, y: Float64Array): this {
    checkFitInput(X, y);
    const { rows: n, cols } = X;
    const means = new Array<number>(cols).fill(0);
    const stds = new Array<number>(cols).fill(0);
    const Z = new Float64Array(n * cols);
    for (let c = 0; c < cols; c++) {
      let count = 0;
      let mean = 0;
      let m2 = 0;
      const base = c * n;
      for (let r = 0; r < n; r++) {
        const v = X.values[base + r];
        if (v !== v) continue;
        count++;
        const d = v - mean;
        mean += d / count;
        m2 += d * (v - mean);
      }
      means[c] = count > 0 ? mean : 0;
      const std = count > 0 ? Math.sqrt(m2 / count) : 0;
      stds[c] = std > 1e-12 * (Math.abs(mean) + 1) ? std : 0;
      if (stds[c] === 0) continue;
      for (let r = 0; r < n; r++) {
        const v = X.values[base + r];
        Z[base + r] = v !== v ? 0 : (v - mean) / stds[c];
      }
    }
    let yMean = 0;
    for (let r = 0; r < n; r++) yMean += (y[r] - yMean) / (r + 1);
    const gram = new Matrix(cols, cols);
    const rhs = new Matrix(cols, 1);
    for (let j = 0; j < cols; j++) {
      const bj = j * n;
      let s = 0;
      for (let r = 0; r < n; r++) s += Z[bj + r] * (y[r] - yMean);
      rhs.set(j, 0, s);
      for (let k = j; k < cols; k++) {
        const bk = k * n;
        let g = 0;
        for (let r = 0; r < n; r++) g += Z[bj + r] * Z[bk + r];
        gram.set(j, k, g);
        gram.set(k, j, g);
      }
      // A constant feature's row/column is zero; a unit diagonal pins its coefficient at 0.
      gram.set(j, j, gram.get(j, j) + (stds[j] === 0 ? 1 : this.options.alpha));
    }
    const chol = new CholeskyDecomposition(gram);
    const beta = chol.isPositiveDefinite() ? chol.solve(rhs) : solve(gram, rhs, true);
    this.params = {
      names: [...X.names],
      means,
      stds,
      standardizedCoefficients: Array.from({ length: cols }, (_, j) => (stds[j] === 0 ? 0 : beta.get(j, 0))),
      yMean,
    };
    return this;
  }

  /** Coefficients and intercept on the original (unstandardised) feature scale. */
  get coefficients(): { intercept: number; coefficients: Float64Array } {
    const p = this.params ?? notFitted(KIND);
    const coefficients = new Float64Array(p.means.length);
    let intercept = p.yMean;
    for (let j = 0; j < coefficients.length; j++) {
      if (p.stds[j] === 0) continue;
      coefficients[j] = p.standardizedCoefficients[j] / p.stds[j];
      intercept -= coefficients[j] * p.means[j];
    }
    return { intercept, coefficients };
  }

  /** Predictions; NaN features are imputed with their training mean. X is not modified. */
  predict(X: FeatureMatrix): Float64Array {
    const p = this.params ?? notFitted(KIND);
    checkPredictInput(X, p.means.length);
    const n = X.rows;
    const out = new Float64Array(n).fill(p.yMean);
    for (let c = 0; c < X.cols; c++) {
      if (p.stds[c] === 0) continue;
      const w = p.standardizedCoefficients[c] / p.stds[c];
      const m = p.means[c];
      const base = c * n;
      for (let r = 0; r < n; r++) {
        const v = X.values[base + r];
        if (v === v) out[r] += w * (v - m);
      }
    }
    return out;
  }

  toJSON(): ModelJSON<RidgeOptions, RidgeParams> {
    const p = this.params ?? notFitted(KIND);
    return { kind: KIND, schemaVersion: SCHEMA_VERSION, options: { ...this.options }, seed: this.options.seed, params: structuredClone(p) };
  }

  /** @throws Error when kind or schemaVersion differ or the JSON is malformed. */
  static fromJSON(json: unknown): RidgeRegressor {
    const env = parseEnvelope(json, KIND, SCHEMA_VERSION, paramsSchema);
    const m = new RidgeRegressor(env.options as Partial<RidgeOptions>);
    const p = env.params;
    const k = p.means.length;
    if (p.stds.length !== k || p.standardizedCoefficients.length !== k || p.names.length !== k) {
      throw new Error('RidgeRegressor params have different lengths');
    }
    m.params = p;
    return m;
  }
}
