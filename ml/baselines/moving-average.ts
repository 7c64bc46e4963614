/**
 * Moving average baseline: the forecast is the mean of the last `window` observed values
 * (NaN values are skipped), flat over the horizon. Over a feature table, MovingAverageRegressor
 * reads the rolling-mean column the feature pipeline built (e.g. `roll_mean_7`).
 */
import { checkInteger } from '../contract';
import { ColumnBaseline, type ColumnBaselineOptions } from './column-baseline';

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

/** Options: `meanFeature`, the column holding the trailing mean of the target (computed from days before the row's date), and `seed`. */
export type MovingAverageOptions = ColumnBaselineOptions<'meanFeature'>;

export const MOVING_AVERAGE_DEFAULTS: Readonly<MovingAverageOptions> = Object.freeze({ meanFeature: 'roll_mean_7', seed: 42 });

/** Moving average over a feature table: predicts the rolling-mean column, NaN -> training mean. */
export class MovingAverageRegressor extends ColumnBaseline<MovingAverageOptions> {
  static readonly DEFAULT_OPTIONS = MOVING_AVERAGE_DEFAULTS;
  static readonly SPEC = { kind: 'MovingAverage', column: 'meanFeature', label: 'the moving average baseline' } as const;

  /** @throws RangeError naming the first invalid option. */
  constructor(options?: Partial<MovingAverageOptions>) {
    super(MovingAverageRegressor.SPEC, MOVING_AVERAGE_DEFAULTS, options);
  }
}
