/**
 * Backtests of recursive forecasts at every level: the forecasts of a SeriesForecast made from
 * an origin inside the table, beside the actuals the table holds after the origin, summed per
 * group of a level (bottom-up). Used to calibrate intervals (on a validation window) and to
 * measure their coverage (on the hold-out).
 */
import { rowOf, type DailyTable } from '../data/table';
import type { SeriesForecast } from '../forecasting';
import { levelGroups, type ForecastLevel } from './levels';
import { recentLevel, type ScaledConformal, INTERVAL_LEVELS } from './intervals';

/** Scale of series s at an origin: its mean absolute target over the `window` periods up to the origin. */
export function seriesScale(table: DailyTable, s: number, origin: number, window: number): number {
  const lo = table.seriesStart[s];
  const hi = table.seriesStart[s + 1];
  if (hi <= lo || table.day[lo] > origin) return 0;
  const end = Math.min(hi, lo + Math.floor((origin - table.day[lo]) / table.step) + 1);
  return recentLevel(table.target.subarray(Math.max(lo, end - window), end), window);
}

/** Group forecasts and actuals of one level, group-major: entry g * horizon + k - 1. */
export interface LevelBacktest {
  level: ForecastLevel;
  groups: string[];
  horizon: number;
  forecast: Float64Array;
  /** NaN where no member series has an actual on that day. */
  actual: Float64Array;
  /** Scale per group (sum of its members' scales). */
  scale: Float64Array;
}

/**
 * Sums a backtest forecast per group of `level`: on each day, over the member series that have
 * an actual that day (a series not yet launched or already delisted counts in neither sum).
 * Non-finite forecasts count as 0.
 */
export function levelBacktest(table: DailyTable, origin: number, fc: SeriesForecast, level: ForecastLevel, scaleWindow: number): LevelBacktest {
  const index = new Map<number, number>();
  fc.series.forEach((s, i) => index.set(s, i));
  const groups: string[] = [];
  const H = fc.horizon;
  const forecast: number[] = [];
  const actual: number[] = [];
  const scale: number[] = [];
  for (const { key: g, members: series } of levelGroups(table, level)) {
    const inFc = series.filter((s) => index.has(s));
    if (inFc.length === 0) continue;
    groups.push(g);
    let sc = 0;
    for (const s of inFc) sc += seriesScale(table, s, origin, scaleWindow);
    scale.push(sc);
    for (let k = 1; k <= H; k++) {
      const day = origin + k * table.step;
      let f = 0;
      let a = 0;
      let any = false;
      for (const s of inFc) {
        const r = rowOf(table, s, day);
        if (r < 0 || !Number.isFinite(table.target[r])) continue;
        any = true;
        a += table.target[r];
        const v = fc.values[(index.get(s) as number) * H + k - 1];
        f += Number.isFinite(v) ? v : 0;
      }
      forecast.push(any ? f : NaN);
      actual.push(any ? a : NaN);
    }
  }
  return { level, groups, horizon: H, forecast: Float64Array.from(forecast), actual: Float64Array.from(actual), scale: Float64Array.from(scale) };
}

/** Flattens a level backtest into calibration samples (see ScaledConformal.calibrate). */
export function calibrationSamples(bt: LevelBacktest): { actual: Float64Array; predicted: Float64Array; horizon: Float64Array; scale: Float64Array } {
  const n = bt.groups.length * bt.horizon;
  const horizon = new Float64Array(n);
  const scale = new Float64Array(n);
  for (let g = 0; g < bt.groups.length; g++) {
    for (let k = 1; k <= bt.horizon; k++) {
      horizon[g * bt.horizon + k - 1] = k;
      scale[g * bt.horizon + k - 1] = bt.scale[g];
    }
  }
  return { actual: bt.actual, predicted: bt.forecast, horizon, scale };
}

/** Share of a backtest's actuals inside the 80% and 95% intervals (NaN when none). */
export function intervalCoverage(bt: LevelBacktest, intervals: ScaledConformal, clampAtZero: boolean): { p80: number; p95: number; n: number } {
  const [l80, l95] = INTERVAL_LEVELS;
  let n = 0;
  let in80 = 0;
  let in95 = 0;
  for (let g = 0; g < bt.groups.length; g++) {
    for (let k = 1; k <= bt.horizon; k++) {
      const i = g * bt.horizon + k - 1;
      const a = bt.actual[i];
      if (!Number.isFinite(a)) continue;
      n++;
      const f = bt.forecast[i];
      const w80 = intervals.halfWidth(k, l80, bt.scale[g]);
      const w95 = intervals.halfWidth(k, l95, bt.scale[g]);
      const lo80 = clampAtZero ? Math.max(0, f - w80) : f - w80;
      const lo95 = clampAtZero ? Math.max(0, f - w95) : f - w95;
      if (a >= lo80 && a <= f + w80) in80++;
      if (a >= lo95 && a <= f + w95) in95++;
    }
  }
  return { p80: n > 0 ? in80 / n : NaN, p95: n > 0 ? in95 / n : NaN, n };
}
