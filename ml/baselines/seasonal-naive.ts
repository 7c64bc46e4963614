/**
 * Seasonal naive: the forecast for a period is the actual of the same period one season earlier
 * (Hyndman & Athanasopoulos, FPP3 5.2): daily data with season 7 -> same weekday last week;
 * weekly data with season 52 -> same week last year (season 1 -> previous period).
 *
 * Two forms: over a series (seasonalNaiveForecast, seasonalNaiveFitted) and over a feature table
 * (SeasonalNaiveRegressor reads the lag column the feature pipeline built, e.g. `lag_7`), so it
 * can be evaluated beside the other models on the same hold-out rows.
 */
import { checkInteger } from '../contract';
import { ColumnBaseline, type ColumnBaselineOptions } from './column-baseline';

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

/** Options: `lagFeature`, the column holding the target one season earlier (daily: lag_7; weekly: lag_52), and `seed`. */
export type SeasonalNaiveOptions = ColumnBaselineOptions<'lagFeature'>;

export const SEASONAL_NAIVE_DEFAULTS: Readonly<SeasonalNaiveOptions> = Object.freeze({ lagFeature: 'lag_7', seed: 42 });

/** Seasonal naive over a feature table: predicts the lag column; where it is NaN, the training mean. */
export class SeasonalNaiveRegressor extends ColumnBaseline<SeasonalNaiveOptions> {
  static readonly DEFAULT_OPTIONS = SEASONAL_NAIVE_DEFAULTS;
  static readonly SPEC = { kind: 'SeasonalNaive', column: 'lagFeature', label: 'the seasonal naive baseline' } as const;

  /** @throws RangeError naming the first invalid option. */
  constructor(options?: Partial<SeasonalNaiveOptions>) {
    super(SeasonalNaiveRegressor.SPEC, SEASONAL_NAIVE_DEFAULTS, options);
  }
}
