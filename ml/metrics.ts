/**
 * Forecast accuracy metrics (docs/training.md). Conventions: error e = predicted - actual; sums use
 * Neumaier's compensated summation; inputs must be the same length and finite (RangeError
 * otherwise); an empty input gives NaN for every metric. Lower is better except R².
 */

/** Compensated running sum (Neumaier 1974): exact enough for millions of terms of mixed size. */
class CompensatedSum {
  private sum = 0;
  private c = 0;
  add(x: number): void {
    const t = this.sum + x;
    this.c += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }
  get value(): number {
    return this.sum + this.c;
  }
}

function check(actual: ArrayLike<number>, predicted: ArrayLike<number>): void {
  if (actual.length !== predicted.length) {
    throw new RangeError(`actual has ${actual.length} values, predicted has ${predicted.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    if (!Number.isFinite(actual[i]) || !Number.isFinite(predicted[i])) {
      throw new RangeError(`non-finite value at index ${i} (actual ${actual[i]}, predicted ${predicted[i]})`);
    }
  }
}

/** Mean absolute error: mean |p - a|. @throws RangeError on length mismatch or non-finite values. */
export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check(actual, predicted);
  const s = new CompensatedSum();
  for (let i = 0; i < actual.length; i++) s.add(Math.abs(predicted[i] - actual[i]));
  return actual.length === 0 ? Number.NaN : s.value / actual.length;
}

/** Root mean squared error: sqrt(mean (p - a)^2). @throws RangeError as mae. */
export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check(actual, predicted);
  const s = new CompensatedSum();
  for (let i = 0; i < actual.length; i++) s.add((predicted[i] - actual[i]) ** 2);
  return actual.length === 0 ? Number.NaN : Math.sqrt(s.value / actual.length);
}

/**
 * Coefficient of determination: 1 - SS_res / SS_tot (NaN when the actuals are constant).
 * @throws RangeError as mae.
 */
export function r2(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check(actual, predicted);
  const n = actual.length;
  if (n === 0) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (actual[i] - mean) / (i + 1);
  const res = new CompensatedSum();
  const tot = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    res.add((predicted[i] - actual[i]) ** 2);
    tot.add((actual[i] - mean) ** 2);
  }
  return tot.value === 0 ? Number.NaN : 1 - res.value / tot.value;
}

/**
 * Weighted absolute percentage error: sum |p - a| / sum |a| (NaN when every actual is 0).
 * @throws RangeError as mae.
 */
export function wape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check(actual, predicted);
  const err = new CompensatedSum();
  const tot = new CompensatedSum();
  for (let i = 0; i < actual.length; i++) {
    err.add(Math.abs(predicted[i] - actual[i]));
    tot.add(Math.abs(actual[i]));
  }
  return tot.value === 0 ? Number.NaN : err.value / tot.value;
}

/**
 * Symmetric MAPE: mean of 2|p - a| / (|a| + |p|), in [0, 2]; a pair where both are 0 counts as
 * a perfect forecast (0).
 * @throws RangeError as mae.
 */
export function smape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check(actual, predicted);
  const s = new CompensatedSum();
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]) + Math.abs(predicted[i]);
    if (d > 0) s.add((2 * Math.abs(predicted[i] - actual[i])) / d);
  }
  return actual.length === 0 ? Number.NaN : s.value / actual.length;
}

/** MAPE over the rows whose actual is non-zero, with how many rows that was. */
export interface MapeResult {
  /** mean |p - a| / |a| over rows with a != 0 (NaN when there are none). */
  value: number;
  /** Rows used (non-zero actuals). */
  rows: number;
  /** Rows left out because their actual is 0. */
  zeroActuals: number;
}

/**
 * Mean absolute percentage error on non-zero actuals only (zero actuals make it undefined).
 * @throws RangeError as mae.
 */
export function mape(actual: ArrayLike<number>, predicted: ArrayLike<number>): MapeResult {
  check(actual, predicted);
  const s = new CompensatedSum();
  let rows = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] === 0) continue;
    s.add(Math.abs(predicted[i] - actual[i]) / Math.abs(actual[i]));
    rows++;
  }
  return { value: rows === 0 ? Number.NaN : s.value / rows, rows, zeroActuals: actual.length - rows };
}

/** Mean error mean(p - a): positive means over-forecasting. @throws RangeError as mae. */
export function bias(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  check(actual, predicted);
  const s = new CompensatedSum();
  for (let i = 0; i < actual.length; i++) s.add(predicted[i] - actual[i]);
  return actual.length === 0 ? Number.NaN : s.value / actual.length;
}

/** Every metric of docs/ml.md at once. */
export interface RegressionMetrics {
  n: number;
  mae: number;
  rmse: number;
  r2: number;
  wape: number;
  smape: number;
  /** MAPE on non-zero actuals only; see mapeRows. */
  mape: number;
  /** Rows MAPE was computed on (non-zero actuals). */
  mapeRows: number;
  /** Mean error (p - a). */
  bias: number;
  /** Total error relative to total actuals: sum(p - a) / sum |a|. */
  biasRatio: number;
}

/** All metrics for one set of forecasts. @throws RangeError as mae. */
export function regressionMetrics(actual: ArrayLike<number>, predicted: ArrayLike<number>): RegressionMetrics {
  const m = mape(actual, predicted);
  const tot = new CompensatedSum();
  const err = new CompensatedSum();
  for (let i = 0; i < actual.length; i++) {
    tot.add(Math.abs(actual[i]));
    err.add(predicted[i] - actual[i]);
  }
  return {
    n: actual.length,
    mae: mae(actual, predicted),
    rmse: rmse(actual, predicted),
    r2: r2(actual, predicted),
    wape: wape(actual, predicted),
    smape: smape(actual, predicted),
    mape: m.value,
    mapeRows: m.rows,
    bias: bias(actual, predicted),
    biasRatio: tot.value === 0 ? Number.NaN : err.value / tot.value,
  };
}

/**
 * Metrics per segment (store, category, item...): rows are grouped by segments[i].
 * @throws RangeError when segments has a different length.
 */
export function metricsBySegment(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  segments: ArrayLike<string | number>,
): Map<string, RegressionMetrics> {
  if (segments.length !== actual.length) throw new RangeError(`segments has ${segments.length} values, actual has ${actual.length}`);
  check(actual, predicted);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < segments.length; i++) {
    const key = String(segments[i]);
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  const out = new Map<string, RegressionMetrics>();
  for (const key of [...groups.keys()].sort()) {
    const rows = groups.get(key) as number[];
    out.set(
      key,
      regressionMetrics(
        rows.map((i) => actual[i]),
        rows.map((i) => predicted[i]),
      ),
    );
  }
  return out;
}

/**
 * Forecast value added over a baseline: 1 - WAPE_model / WAPE_baseline (0.3 = 30% less error
 * than the baseline; negative = worse than the baseline; NaN when the baseline's WAPE is 0 or NaN).
 */
export function forecastValueAdded(wapeModel: number, wapeBaseline: number): number {
  if (!(wapeBaseline > 0) || !Number.isFinite(wapeModel)) return Number.NaN;
  return 1 - wapeModel / wapeBaseline;
}
