/**
 * Seasonal naive: the forecast for a period is the actual of the same period one season earlier
 * (Hyndman & Athanasopoulos, FPP3 5.2): daily data with season 7 -> same weekday last week;
 * weekly data with season 52 -> same week last year (season 1 -> previous period).
 *
 * Two forms: over a series (seasonalNaiveForecast, seasonalNaiveFitted) and over a feature table
 * (SeasonalNaiveRegressor reads the lag column the feature pipeline built, e.g. `lag_7`), so it
 * can be evaluated beside the other models on the same hold-out rows.
 */
import { z } from 'zod';
import { checkFitInput, checkInteger, mergeOptions, notFitted, parseEnvelope, type ModelJSON, type Regressor } from '../contract';
import type { FeatureMatrix } from '../matrix';

/**
 * Forecasts `horizon` periods after the end of `history`: step h (1-based) takes
 * history[n - s + (h - 1) mod s]; a missing (NaN) value there falls back to one more season
 * earlier, and NaN when there is none.
 * @throws RangeError when seasonLength or horizon is not a positive integer.
 */
export function seasonalNaiveForecast(history: ArrayLike<number>, seasonLength: number, horizon: number): Float64Array {
  checkInteger('seasonLength', seasonLength, 1);
  checkInteger('horizon', horizon, 1);
  const n = history.length;
  const out = new Float64Array(horizon).fill(Number.NaN);
  if (n === 0) return out;
  for (let h = 0; h < horizon; h++) {
    let at = n - seasonLength + (h % seasonLength);
    while (at >= 0 && Number.isNaN(history[at])) at -= seasonLength;
    if (at >= 0) out[h] = history[at];
  }
  return out;
}

/** In-sample seasonal naive: fitted[t] = series[t - s] (NaN for the first season). */
export function seasonalNaiveFitted(series: ArrayLike<number>, seasonLength: number): Float64Array {
  checkInteger('seasonLength', seasonLength, 1);
  const out = new Float64Array(series.length).fill(Number.NaN);
  for (let t = seasonLength; t < series.length; t++) out[t] = series[t - seasonLength];
  return out;
}

export interface SeasonalNaiveOptions {
  /** Column holding the target one season earlier (daily: lag_7; weekly: lag_52). */
  lagFeature: string;
  seed: number;
}

export const SEASONAL_NAIVE_DEFAULTS: Readonly<SeasonalNaiveOptions> = Object.freeze({ lagFeature: 'lag_7', seed: 42 });

const KIND = 'SeasonalNaive';
const SCHEMA_VERSION = 1;
const paramsSchema = z.object({ fallback: z.number() });

/** Seasonal naive over a feature table: predicts the lag column; where it is NaN, the training mean. */
export class SeasonalNaiveRegressor implements Regressor {
  static readonly DEFAULT_OPTIONS = SEASONAL_NAIVE_DEFAULTS;
  readonly options: Readonly<SeasonalNaiveOptions>;
  private fallback: number | null = null;

  /** @throws RangeError naming the first invalid option. */
  constructor(options?: Partial<SeasonalNaiveOptions>) {
    const merged = mergeOptions(SEASONAL_NAIVE_DEFAULTS, options);
    if (typeof merged.lagFeature !== 'string' || merged.lagFeature.length === 0) {
      throw new RangeError(`option lagFeature must be a column name, got ${String(merged.lagFeature)}`);
    }
    checkInteger('seed', merged.seed, -(2 ** 31), 2 ** 32 - 1);
    this.options = Object.freeze(merged);
  }

  /** Learns only the fallback (mean of y). @throws RangeError when X lacks the lag column. */
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
    const c = X.names.indexOf(this.options.lagFeature);
    if (c < 0) throw new RangeError(`X has no column ${this.options.lagFeature} for the seasonal naive baseline`);
    return c;
  }

  toJSON(): ModelJSON<SeasonalNaiveOptions, { fallback: number }> {
    const fallback = this.fallback ?? notFitted(KIND);
    return { kind: KIND, schemaVersion: SCHEMA_VERSION, options: { ...this.options }, seed: this.options.seed, params: { fallback } };
  }

  /** @throws Error when kind or schemaVersion differ. */
  static fromJSON(json: unknown): SeasonalNaiveRegressor {
    const env = parseEnvelope(json, KIND, SCHEMA_VERSION, paramsSchema);
    const m = new SeasonalNaiveRegressor(env.options as Partial<SeasonalNaiveOptions>);
    m.fallback = env.params.fallback;
    return m;
  }
}
