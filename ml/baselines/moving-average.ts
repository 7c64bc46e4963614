/**
 * Moving average baseline: the forecast is the mean of the last `window` observed values
 * (NaN values are skipped), flat over the horizon. Over a feature table, MovingAverageRegressor
 * reads the rolling-mean column the feature pipeline built (e.g. `roll_mean_7`).
 */
import { z } from 'zod';
import { checkFitInput, checkInteger, mergeOptions, notFitted, parseEnvelope, type ModelJSON, type Regressor } from '../contract';
import type { FeatureMatrix } from '../matrix';

/**
 * Mean of the last `window` non-missing values of history, repeated `horizon` times
 * (NaN when history has no observed value).
 * @throws RangeError when window or horizon is not a positive integer.
 */
export function movingAverageForecast(history: ArrayLike<number>, window: number, horizon: number): Float64Array {
  checkInteger('window', window, 1);
  checkInteger('horizon', horizon, 1);
  let sum = 0;
  let count = 0;
  for (let t = history.length - 1; t >= 0 && count < window; t--) {
    if (Number.isNaN(history[t])) continue;
    sum += history[t];
    count++;
  }
  return new Float64Array(horizon).fill(count > 0 ? sum / count : Number.NaN);
}

/** In-sample trailing mean: fitted[t] = mean(series[t - window .. t - 1]) over observed values. */
export function movingAverageFitted(series: ArrayLike<number>, window: number): Float64Array {
  checkInteger('window', window, 1);
  const out = new Float64Array(series.length).fill(Number.NaN);
  for (let t = 1; t < series.length; t++) {
    let sum = 0;
    let count = 0;
    for (let k = Math.max(0, t - window); k < t; k++) {
      if (Number.isNaN(series[k])) continue;
      sum += series[k];
      count++;
    }
    if (count > 0) out[t] = sum / count;
  }
  return out;
}

export interface MovingAverageOptions {
  /** Column holding the trailing mean of the target (computed from days before the row's date). */
  meanFeature: string;
  seed: number;
}

export const MOVING_AVERAGE_DEFAULTS: Readonly<MovingAverageOptions> = Object.freeze({ meanFeature: 'roll_mean_7', seed: 42 });

const KIND = 'MovingAverage';
const SCHEMA_VERSION = 1;
const paramsSchema = z.object({ fallback: z.number() });

/** Moving average over a feature table: predicts the rolling-mean column, NaN -> training mean. */
export class MovingAverageRegressor implements Regressor {
  static readonly DEFAULT_OPTIONS = MOVING_AVERAGE_DEFAULTS;
  readonly options: Readonly<MovingAverageOptions>;
  private fallback: number | null = null;

  /** @throws RangeError naming the first invalid option. */
  constructor(options?: Partial<MovingAverageOptions>) {
    const merged = mergeOptions(MOVING_AVERAGE_DEFAULTS, options);
    if (typeof merged.meanFeature !== 'string' || merged.meanFeature.length === 0) {
      throw new RangeError(`option meanFeature must be a column name, got ${String(merged.meanFeature)}`);
    }
    checkInteger('seed', merged.seed, -(2 ** 31), 2 ** 32 - 1);
    this.options = Object.freeze(merged);
  }

  /** @throws RangeError when X lacks the mean column. */
  fit(X: FeatureMatrix, y: Float64Array): this {
    checkFitInput(X, y);
    this.columnOf(X);
    let mean = 0;
    for (let i = 0; i < y.length; i++) mean += (y[i] - mean) / (i + 1);
    this.fallback = mean;
    return this;
  }

  predict(X: FeatureMatrix): Float64Array {
    const fallback = this.fallback ?? notFitted(KIND);
    const c = this.columnOf(X);
    const out = X.values.slice(c * X.rows, (c + 1) * X.rows);
    for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = fallback;
    return out;
  }

  private columnOf(X: FeatureMatrix): number {
    const c = X.names.indexOf(this.options.meanFeature);
    if (c < 0) throw new RangeError(`X has no column ${this.options.meanFeature} for the moving average baseline`);
    return c;
  }

  toJSON(): ModelJSON<MovingAverageOptions, { fallback: number }> {
    const fallback = this.fallback ?? notFitted(KIND);
    return { kind: KIND, schemaVersion: SCHEMA_VERSION, options: { ...this.options }, seed: this.options.seed, params: { fallback } };
  }

  /** @throws Error when kind or schemaVersion differ. */
  static fromJSON(json: unknown): MovingAverageRegressor {
    const env = parseEnvelope(json, KIND, SCHEMA_VERSION, paramsSchema);
    const m = new MovingAverageRegressor(env.options as Partial<MovingAverageOptions>);
    m.fallback = env.params.fallback;
    return m;
  }
}
