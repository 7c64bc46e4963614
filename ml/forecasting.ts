/**
 * Multi-horizon forecasting (docs/ml.md): recursive, with lags refreshed from predictions. From a
 * forecast origin, step k's features are built by the feature pipeline's serving path with the
 * targets of steps 1..k-1 replaced by the model's own forecasts (never by actuals), then the model
 * predicts step k; repeat to the horizon. Aggregates (store, category, total) are bottom-up sums
 * of the series forecasts, so they are coherent with them by construction.
 */
import type { DailyTable } from './data/table';
import type { FeaturePipeline } from './features/pipeline';
import { selectRows, type FeatureMatrix } from './matrix';

/** Anything that predicts a FeatureMatrix (every model of `ml/`, or an ensemble wrapper). */
export interface Predictor {
  predict(X: FeatureMatrix): Float64Array;
}

export interface SeriesForecast {
  /** Series indices of the table, in the order of the rows of `values`. */
  series: number[];
  horizon: number;
  /** Forecast of series[i] at step k (1-based) is values[i * horizon + k - 1]. */
  values: Float64Array;
  /** Day number of each step, k = 1..horizon (origin + k * step). */
  days: Int32Array;
}

/**
 * Recursive forecast of `horizon` periods after `origin` for the chosen series (all by default).
 * Negative forecasts are kept as the model made them unless `clampAtZero` is set.
 * @throws RangeError on a bad horizon; whatever the pipeline throws on a bad origin or series.
 */
export function recursiveForecast(
  model: Predictor,
  pipeline: FeaturePipeline,
  table: DailyTable,
  origin: number | string,
  options: { horizon: number; series?: readonly number[]; clampAtZero?: boolean },
): SeriesForecast {
  const { horizon } = options;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 1000) throw new RangeError(`horizon must be an integer in [1, 1000], got ${horizon}`);
  const series = options.series ? [...options.series] : Array.from({ length: table.seriesStart.length - 1 }, (_, s) => s);
  const values = new Float64Array(series.length * horizon).fill(Number.NaN);
  const overrides = new Map<number, Float64Array>();
  for (const s of series) overrides.set(s, new Float64Array(horizon).fill(Number.NaN));
  let days = new Int32Array(horizon);
  const rowsOfStep = new Int32Array(series.length);
  for (let k = 1; k <= horizon; k++) {
    // Features up to step k only; rows are series-major: series i, step k is row i * k + k - 1.
    const fs = pipeline.transformOrigin(table, origin, { horizon: k, series, overrides });
    for (let i = 0; i < series.length; i++) rowsOfStep[i] = i * k + k - 1;
    const pred = model.predict(selectRows(fs.X, rowsOfStep));
    for (let i = 0; i < series.length; i++) {
      const v = options.clampAtZero && pred[i] < 0 ? 0 : pred[i];
      values[i * horizon + k - 1] = v;
      (overrides.get(series[i]) as Float64Array)[k - 1] = v;
    }
    if (k === horizon) days = Int32Array.from({ length: horizon }, (_, j) => fs.rowDate[j]);
  }
  return { series, horizon, values, days };
}

/**
 * Bottom-up aggregation: the forecast of each group (a store, a category, the total) at each step
 * is the sum of its series' forecasts. `groupOf(series)` names the group of a series.
 */
export function aggregateForecast(forecast: SeriesForecast, groupOf: (series: number) => string): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  forecast.series.forEach((s, i) => {
    const g = groupOf(s);
    let sums = out.get(g);
    if (!sums) {
      sums = new Float64Array(forecast.horizon);
      out.set(g, sums);
    }
    for (let k = 0; k < forecast.horizon; k++) sums[k] += forecast.values[i * forecast.horizon + k];
  });
  return out;
}
