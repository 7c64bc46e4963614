/**
 * Chronological evaluation (docs/training.md): a hold-out of the last N days and rolling-origin
 * cross-validation folds (Tashman 2000). Splits are by calendar date, never random, so no row of
 * a test window is ever earlier than a training row.
 *
 * Dates are ISO strings (`YYYY-MM-DD`, a time part is ignored) or epoch days (days since
 * 1970-01-01, UTC).
 */
import type { Regressor } from './contract';
import { selectRows, type FeatureMatrix } from './matrix';
import { regressionMetrics, type RegressionMetrics } from './metrics';

export type DateLike = string | number;

const MS_PER_DAY = 86_400_000;

/** Epoch day of an ISO date or of an epoch day. @throws RangeError on an unparseable date. */
export function epochDay(d: DateLike): number {
  if (typeof d === 'number') {
    if (!Number.isInteger(d)) throw new RangeError(`epoch day must be an integer, got ${d}`);
    return d;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d);
  if (!m) throw new RangeError(`not an ISO date: ${d}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Math.round(ms / MS_PER_DAY);
}

/** ISO date (YYYY-MM-DD) of an epoch day. */
export function isoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Row indices of a training and a test window, in row order. */
export interface ChronologicalSplit {
  train: Int32Array;
  test: Int32Array;
  /** Last date in the training window (the forecast origin). */
  origin: string;
  /** First and last dates of the test window. */
  testStart: string;
  testEnd: string;
}

function daysOf(dates: ArrayLike<DateLike>): Int32Array {
  if (dates.length === 0) throw new RangeError('no dates to split');
  const days = new Int32Array(dates.length);
  for (let i = 0; i < dates.length; i++) days[i] = epochDay(dates[i]);
  return days;
}

function splitAt(days: Int32Array, origin: number, end: number): ChronologicalSplit {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < days.length; i++) {
    if (days[i] <= origin) train.push(i);
    else if (days[i] <= end) test.push(i);
  }
  return { train: Int32Array.from(train), test: Int32Array.from(test), origin: isoDate(origin), testStart: isoDate(origin + 1), testEnd: isoDate(end) };
}

/**
 * Hold-out of the last `holdoutDays` calendar days (default 30): test rows are those dated after
 * maxDate - holdoutDays, train rows the rest. For weekly data pass e.g. 56 for the last 8 weeks.
 * @throws RangeError when holdoutDays is not a positive integer or leaves no training rows.
 */
export function chronologicalHoldout(dates: ArrayLike<DateLike>, options: { holdoutDays?: number } = {}): ChronologicalSplit {
  const holdoutDays = options.holdoutDays ?? 30;
  if (!Number.isInteger(holdoutDays) || holdoutDays < 1) throw new RangeError(`holdoutDays must be a positive integer, got ${holdoutDays}`);
  const days = daysOf(dates);
  let max = days[0];
  for (let i = 1; i < days.length; i++) if (days[i] > max) max = days[i];
  const split = splitAt(days, max - holdoutDays, max);
  if (split.train.length === 0) throw new RangeError(`a ${holdoutDays}-day hold-out leaves no training rows`);
  return split;
}

export interface RollingOriginOptions {
  /** Number of folds (default 3). */
  folds?: number;
  /** Days in each test window (default 30). */
  horizonDays?: number;
  /** Days between consecutive origins (default horizonDays: adjacent test windows). */
  stepDays?: number;
  /** Each fold must train on at least this many distinct days (default 1). */
  minTrainDays?: number;
}

/**
 * Rolling-origin (expanding window) folds, earliest first: fold i trains on every row dated up
 * to origin_i and tests on the `horizonDays` after it, with the last fold's test window ending
 * at the last date.
 * @throws RangeError on bad options or when the earliest fold would have too little history.
 */
export function rollingOriginFolds(dates: ArrayLike<DateLike>, options: RollingOriginOptions = {}): ChronologicalSplit[] {
  const folds = options.folds ?? 3;
  const horizon = options.horizonDays ?? 30;
  const step = options.stepDays ?? horizon;
  const minTrainDays = options.minTrainDays ?? 1;
  for (const [name, v] of [
    ['folds', folds],
    ['horizonDays', horizon],
    ['stepDays', step],
    ['minTrainDays', minTrainDays],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  const days = daysOf(dates);
  let min = days[0];
  let max = days[0];
  for (const d of days) {
    if (d < min) min = d;
    if (d > max) max = d;
  }
  const out: ChronologicalSplit[] = [];
  for (let i = 0; i < folds; i++) {
    const origin = max - horizon - (folds - 1 - i) * step;
    if (origin - min + 1 < minTrainDays) {
      throw new RangeError(`fold ${i + 1} of ${folds} would train on ${Math.max(0, origin - min + 1)} days (< ${minTrainDays})`);
    }
    out.push(splitAt(days, origin, origin + horizon));
  }
  return out;
}

/** The result of evaluating one model on chronological folds. */
export interface CrossValidationResult {
  /** WAPE over all test rows of all folds pooled. */
  wape: number;
  folds: RegressionMetrics[];
}

/**
 * Fits a fresh model on each fold's training rows and scores it on the fold's test rows.
 * @throws RangeError when a fold has no test rows.
 */
export function crossValidate(
  makeModel: () => Regressor,
  X: FeatureMatrix,
  y: Float64Array,
  folds: readonly ChronologicalSplit[],
): CrossValidationResult {
  const results: RegressionMetrics[] = [];
  let absErr = 0;
  let absActual = 0;
  for (const fold of folds) {
    if (fold.test.length === 0) throw new RangeError(`fold with origin ${fold.origin} has no test rows`);
    const model = makeModel().fit(selectRows(X, fold.train), Float64Array.from(fold.train, (i) => y[i]));
    const actual = Float64Array.from(fold.test, (i) => y[i]);
    const pred = model.predict(selectRows(X, fold.test));
    results.push(regressionMetrics(actual, pred));
    for (let i = 0; i < actual.length; i++) {
      absErr += Math.abs(pred[i] - actual[i]);
      absActual += Math.abs(actual[i]);
    }
  }
  return { wape: absActual === 0 ? Number.NaN : absErr / absActual, folds: results };
}
